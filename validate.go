package aims

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
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

// CheckJSONSurrogates refuses JSON text data that escapes one half of a UTF-16 surrogate pair on its own
// ("\ud800", "\udc00"): encoding/json would decode it as U+FFFD without a word, so that what is stored
// differs from what was sent. The EINVALID error names the member that holds it, dotted from the top as
// encoding/json names fields ("details.licence"); array positions are not part of the name. A full pair
// ("\ud83d\ude00") is a character and passes. data should be valid JSON; in data that is not, a string
// that is not closed is not looked at.
func CheckJSONSurrogates(data []byte) error {
	if !bytes.Contains(data, []byte(`\u`)) {
		return nil
	}
	type frame struct {
		object, wantKey bool
		key             string
	}
	var stack []frame
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			stack = append(stack, frame{object: true, wantKey: true})
		case '[':
			stack = append(stack, frame{})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		case '"':
			end, lone := scanJSONString(data, i)
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = jsonKey(data[i:end+1]), false
			}
			if lone {
				var path []string
				for _, f := range stack {
					if f.object {
						path = append(path, f.key)
					}
				}
				const msg = "This field contains half of a UTF-16 surrogate pair (an escape from \\ud800 to \\udfff) without the other half."
				if len(path) == 0 {
					return Errorf(EINVALID, "The request body contains half of a UTF-16 surrogate pair without the other half.")
				}
				return FieldError(strings.Join(path, "."), msg)
			}
			i = end
		}
	}
	return nil
}

// scanJSONString reads the JSON string that starts with the quote at data[start]. It returns the index of
// the closing quote (len(data) when there is none) and whether the string escapes half a surrogate pair
// on its own.
func scanJSONString(data []byte, start int) (end int, lone bool) {
	for j := start + 1; j < len(data); j++ {
		switch data[j] {
		case '"':
			return j, lone
		case '\\':
			if j+1 < len(data) && data[j+1] == 'u' {
				r := hex4(data, j+2)
				switch {
				case r >= 0xD800 && r <= 0xDBFF:
					if j+7 < len(data) && data[j+6] == '\\' && data[j+7] == 'u' {
						if low := hex4(data, j+8); low >= 0xDC00 && low <= 0xDFFF {
							j += 11
							continue
						}
					}
					lone = true
				case r >= 0xDC00 && r <= 0xDFFF:
					lone = true
				}
				j += 5
			} else {
				j++
			}
		}
	}
	return len(data), lone
}

// hex4 is the value of the four hexadecimal digits at data[i:], or -1.
func hex4(data []byte, i int) int {
	if i+4 > len(data) {
		return -1
	}
	v, err := strconv.ParseUint(string(data[i:i+4]), 16, 16)
	if err != nil {
		return -1
	}
	return int(v)
}

// jsonKey decodes the quoted JSON string q, a member name; a name that does not decode is shown as sent.
func jsonKey(q []byte) string {
	var s string
	if json.Unmarshal(q, &s) != nil {
		return strings.Trim(string(q), `"`)
	}
	return s
}

// OneOf refuses v, as EINVALID on field, unless it is one of allowed (or empty, when optional).
func OneOf(v string, allowed []string, field string, optional bool) error {
	if (optional && v == "") || slices.Contains(allowed, v) {
		return nil
	}
	return FieldError(field, "Choose one of %s.", strings.Join(allowed, ", "))
}
