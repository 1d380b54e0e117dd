package aims_test

import (
	"testing"

	"github.com/aimsproject/aims"
)

// TestPageSliceWalksAListComputedWhole: the pages cover the list once, in order, each within its limit;
// an empty list is one empty page; a cursor that is not a position is EINVALID on cursor.
func TestPageSliceWalksAListComputedWhole(t *testing.T) {
	for _, n := range []int{0, 1, 49, 50, 51, 1203} {
		seen, cursor := 0, ""
		for pages := 0; ; pages++ {
			if pages > n+1 {
				t.Fatalf("%d items: the pages do not end", n)
			}
			from, to, next, err := aims.PageSlice(aims.Page{Cursor: cursor}, n)
			if err != nil || from != seen || to-from > aims.DefaultPageLimit || (next != "") != (to < n) {
				t.Fatalf("%d items, cursor %q: [%d, %d) next %q, %v", n, cursor, from, to, next, err)
			}
			seen, cursor = to, next
			if next == "" {
				break
			}
		}
		if seen != n {
			t.Errorf("%d items: the pages cover %d", n, seen)
		}
	}
	if _, to, _, _ := aims.PageSlice(aims.Page{Limit: 10 * aims.MaxPageLimit}, 10000); to != aims.MaxPageLimit {
		t.Errorf("a page holds %d items, more than %d", to, aims.MaxPageLimit)
	}
	for _, c := range []string{"zz", "not-ours", "LTE"} { // "LTE" is -1
		if _, _, _, err := aims.PageSlice(aims.Page{Cursor: c}, 10); aims.ErrorCode(err) != aims.EINVALID {
			t.Errorf("cursor %q: %v", c, err)
		}
	}
}
