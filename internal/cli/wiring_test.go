package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCommandsUseTheOneWiring: no command builds a domain service itself; each gets them from
// servicesOf, which is app.NewServices, as serve does (through app.New), so a limit or rule configured holds everywhere.
func TestCommandsUseTheOneWiring(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	own := regexp.MustCompile(`\b(account|control|framework|system)\.NewService\(`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if own.MatchString(line) {
				t.Errorf("%s:%d builds a service itself: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
