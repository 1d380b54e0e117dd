package web

import (
	"net/url"
	"strconv"
)

// windowSize is how many items of a list held whole in memory (a BOM's inventory, a diff) a page shows.
const windowSize = 50

// Window is the part of a list held in memory that a page shows: items From to To (1-based) of Total,
// with the addresses of the windows before and after ("" at either end).
type Window struct {
	From, To, Total    int
	PrevHref, NextHref string
}

// window returns the window of a list of total items that starts at the offset in the query parameter
// param of u (0 when absent or not a number in range), and its slice bounds.
func window(u *url.URL, param, fragment string, total int) (w Window, lo, hi int) {
	lo, err := strconv.Atoi(u.Query().Get(param))
	if err != nil || lo < 0 || lo >= total {
		lo = 0
	}
	hi = min(lo+windowSize, total)
	w = Window{From: lo + 1, To: hi, Total: total}
	at := func(off int) string {
		q := u.Query()
		q.Set(param, strconv.Itoa(off))
		if off == 0 {
			q.Del(param)
		}
		return u.Path + "?" + q.Encode() + fragment
	}
	if lo > 0 {
		w.PrevHref = at(max(lo-windowSize, 0))
	}
	if hi < total {
		w.NextHref = at(hi)
	}
	return w, lo, hi
}
