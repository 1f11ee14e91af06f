package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func testEnv(stdin string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, &out, &errb
}

func TestUsageAndUnknownCommand(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		outHas string
		errHas string
	}{
		{nil, 2, "Commands:", ""},
		{[]string{"--help"}, 0, "serve", ""},
		{[]string{"bogus"}, 2, "", `unknown command "bogus"`},
		{[]string{"serve", "--help"}, 0, "", "--addr"},
		{[]string{"serve", "extra"}, 2, "", "Usage: claimgate serve"},
		{[]string{"user"}, 2, "", "Usage: claimgate user add"},
		{[]string{"user", "add", "--username", "x"}, 2, "", "Usage: claimgate user add"},
		{[]string{"demo", "--patients", "0"}, 2, "", "Usage: claimgate demo"},
	}
	for _, tt := range tests {
		e, out, errb := testEnv("")
		if code := run(context.Background(), e, tt.args); code != tt.code {
			t.Errorf("run(%q) = %d, want %d; stderr: %s", tt.args, code, tt.code, errb)
		}
		if !strings.Contains(out.String(), tt.outHas) || !strings.Contains(errb.String(), tt.errHas) {
			t.Errorf("run(%q): stdout %q, stderr %q; want %q / %q", tt.args, out, errb, tt.outHas, tt.errHas)
		}
	}
}

func TestMigrateAndUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	ctx := context.Background()
	e, out, errb := testEnv("")
	if code := run(ctx, e, []string{"migrate", "--db", db}); code != 0 {
		t.Fatalf("migrate = %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "schema up to date") {
		t.Errorf("migrate said %q", out)
	}
	e, out, errb = testEnv("s3cret-pass\n")
	if code := run(ctx, e, []string{"user", "add", "--db", db, "--username", "dana", "--roles", "denial_specialist,manager", "--password-stdin"}); code != 0 {
		t.Fatalf("user add = %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "added user dana") || strings.Contains(out.String(), "s3cret") {
		t.Errorf("user add said %q", out)
	}
	tests := []struct {
		args   []string
		stdin  string
		errHas string
	}{
		{[]string{"--username", "dana", "--roles", "coder"}, "", "username is taken"},
		{[]string{"--username", "eve", "--roles", "wizard"}, "", `unknown role "wizard"`},
		{[]string{"--username", "eve", "--roles", "coder", "--password-stdin"}, "short\n", "at least 8 characters"},
	}
	for _, tt := range tests {
		e, _, errb := testEnv(tt.stdin)
		args := append([]string{"user", "add", "--db", db}, tt.args...)
		if code := run(ctx, e, args); code != 1 || !strings.Contains(errb.String(), tt.errHas) {
			t.Errorf("run(%q) = %d, stderr %q; want 1 and %q", args, code, errb, tt.errHas)
		}
	}
}

// TestServeEndToEnd runs the real binary: seeds a demo database, serves it on
// a free port, logs in over HTTP, reads a case, and stops on SIGINT.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "claimgate")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "demo.db")
	out, err := exec.Command(bin, "demo", "--no-serve", "--db", db, "--patients", "6", "--password", "demo-password").CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "6 patients, 6 cases") {
		t.Errorf("demo summary = %q", out)
	}

	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`serving on (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not start; stderr: %s", stderr.String())
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := client.Get(base + "/api/cases")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated GET /api/cases = %d, want 401", resp.StatusCode)
	}
	resp, err = client.Post(base+"/api/login", "application/json", strings.NewReader(`{"username":"frontdesk","password":"demo-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	resp, err = client.Get(base + "/api/cases")
	if err != nil {
		t.Fatal(err)
	}
	var cases []map[string]any
	err = json.NewDecoder(resp.Body).Decode(&cases)
	resp.Body.Close()
	if err != nil || len(cases) != 6 {
		t.Fatalf("GET /api/cases = %d cases, %v", len(cases), err)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("database gone: %v", err)
	}
}
