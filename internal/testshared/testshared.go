// Package testshared finds the project's shared reference folder (../shared
// beside the repository) for tests that read public samples and code sets in
// place instead of copying them into the repository.
package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of the shared folder, found by walking up from
// the working directory to the first parent that has a sibling shared/SOP.md.
// The test fails if there is none.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("getwd: %v", err)
	}
	for {
		candidate := filepath.Join(dir, "..", "shared")
		if _, err := os.Stat(filepath.Join(candidate, "SOP.md")); err == nil {
			abs, err := filepath.Abs(candidate)
			if err != nil {
				tb.Fatalf("abs %s: %v", candidate, err)
			}
			return abs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("no ../shared folder found above the working directory")
		}
		dir = parent
	}
}

// Path returns the absolute path of elem joined below the shared folder.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{Dir(tb)}, elem...)...)
}
