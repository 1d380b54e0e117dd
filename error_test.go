package aims_test

import (
	"testing"

	"github.com/aimsproject/aims"
)

// TestStaleSaysWhoseVersionIsWhat: the one sentence of a lost update names the record and its versions,
// or, when the record changed during the write, asks to reload; both are EPRECONDITION.
func TestStaleSaysWhoseVersionIsWhat(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{aims.Stale("TalentMatch", 3, 2), "Someone else changed TalentMatch: it is at version 3, not 2."},
		{aims.Stale("the AI roles", 0, 0), "Someone else changed the AI roles at the same time; reload and try again."},
	} {
		if aims.ErrorCode(tc.err) != aims.EPRECONDITION || aims.ErrorMessage(tc.err) != tc.want {
			t.Errorf("%v, want EPRECONDITION saying %q", tc.err, tc.want)
		}
	}
}
