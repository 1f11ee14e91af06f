package spec

import "testing"

func TestBuiltinCompiles(t *testing.T) {
	if len(Interchange().Root.Children) == 0 {
		t.Fatal("no interchange table")
	}
	if _, ok := EnvelopeSegment("TA1"); !ok {
		t.Error("EnvelopeSegment(TA1) not found")
	}
}
