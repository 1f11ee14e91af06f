package http

import "testing"

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/cases/7", "/cases/7"},
		{"/queues/intake?status=open#top", "/queues/intake?status=open#top"},
		{"", "/"},
		{"cases/7", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/\t/evil.example/", "/"}, // browsers drop the tab: //evil.example/
		{"/\n/evil.example/", "/"},
		{"/\r\n/evil.example/", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"/%2F/evil.example/", "/"}, // decodes to //evil.example/: refused to be safe
		{"/\x00", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
