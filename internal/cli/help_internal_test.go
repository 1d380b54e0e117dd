package cli

import (
	"context"
	"strings"
	"testing"
)

// TestHelpListsEveryCommand checks the top-level help against the command table, so that a command added
// to the table cannot be missing from it.
func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {}} {
		var out strings.Builder
		_ = Run(context.Background(), args, func(string) string { return "" }, nil, &out, &out)
		lines := strings.Split(out.String(), "\n")
		for _, c := range commands() {
			found := false
			for _, l := range lines {
				if f := strings.Fields(l); len(f) > 1 && f[0] == c.name && strings.Contains(l, c.summary) {
					found = true
				}
			}
			if !found {
				t.Errorf("aims %s does not list the command %q:\n%s", strings.Join(args, " "), c.name, out.String())
			}
		}
	}
}
