package aims

import (
	"unicode"
	"unicode/utf8"
)

// CheckText refuses text of more than max characters, or with control characters (newlines and tabs are
// allowed where multiline is), with an EINVALID error on field.
func CheckText(s, field string, max int, multiline bool) error {
	if utf8.RuneCountInString(s) > max {
		return FieldError(field, "At most %d characters.", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return FieldError(field, "This field contains a control character.")
		}
	}
	return nil
}
