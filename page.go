package aims

import (
	"encoding/base64"
	"strconv"
)

// PageSlice answers p over a list of n items computed whole, whose cursor is a position in it: the items
// [from, to) of the page and the cursor of the next page ("" on the last). A Page with no Limit gets
// DefaultPageLimit items, and none more than MaxPageLimit. A cursor that is not a position this gave out
// is EINVALID on the field cursor.
func PageSlice(p Page, n int) (from, to int, next string, err error) {
	if p.Cursor != "" {
		b, derr := base64.RawURLEncoding.DecodeString(p.Cursor)
		at, aerr := strconv.Atoi(string(b))
		if derr != nil || aerr != nil || at < 0 {
			return 0, 0, "", FieldError("cursor", "The cursor is not one aims gave out.")
		}
		from = min(at, n)
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultPageLimit
	}
	to = min(from+min(limit, MaxPageLimit), n)
	if to < n {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(to)))
	}
	return from, to, next, nil
}
