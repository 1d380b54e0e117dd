package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aimsproject/aims"
)

// walker reads one JSON document token by token, so that a big array streams one element at a time.
type walker struct {
	src *finiteReader
	dec *json.Decoder
}

func newWalker(r io.Reader) *walker {
	src := newFiniteReader(r)
	dec := json.NewDecoder(src)
	dec.UseNumber()
	return &walker{src: src, dec: dec}
}

// fail returns err as an error naming where reading stopped.
func (w *walker) fail(err error) error { return w.src.syntaxError(err, w.dec.InputOffset()) }

func (w *walker) delim(want json.Delim) error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.fail(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return w.fail(&unexpectedError{tok: tok, at: w.dec.InputOffset(), want: delimName(want)})
	}
	return nil
}

// unexpectedError is a JSON value of another kind than the one the reader wants where it is.
type unexpectedError struct {
	tok  any
	at   int64
	want string
}

func (e *unexpectedError) Error() string {
	return fmt.Sprintf("%s where %s is expected, at byte %d", tokenName(e.tok), e.want, e.at)
}

// delimName names what a delimiter opens or closes.
func delimName(d json.Delim) string {
	switch d {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '}':
		return "the end of an object"
	}
	return "the end of an array"
}

// tokenName names a JSON token for a message.
func tokenName(tok any) string {
	switch t := tok.(type) {
	case json.Delim:
		return delimName(t)
	case string:
		return "a string"
	case json.Number, float64:
		return fmt.Sprintf("the number %v", t)
	case bool:
		return fmt.Sprintf("%v", t)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// object reads an object, calling fn with each key; fn must read the key's value (decode, skip, object,
// array).
func (w *walker) object(fn func(key string) error) error {
	if err := w.delim('{'); err != nil {
		return err
	}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.fail(err)
		}
		key, ok := tok.(string)
		if !ok {
			return w.fail(&unexpectedError{tok: tok, at: w.dec.InputOffset(), want: "a key"})
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	return w.delim('}')
}

// scalar reads the next value: a string, number, true, false or null is returned with ok set; an object
// or array is read past, keeping no more than one token of it.
func (w *walker) scalar() (v any, ok bool, err error) {
	tok, err := w.dec.Token()
	if err != nil {
		return nil, false, w.fail(err)
	}
	if d, isDelim := tok.(json.Delim); isDelim && (d == '{' || d == '[') {
		return nil, false, w.skipRest()
	}
	return tok, true, nil
}

// skipRest reads past the rest of an object or array whose opening delimiter was read.
func (w *walker) skipRest() error {
	for depth := 1; depth > 0; {
		tok, err := w.dec.Token()
		if err != nil {
			return w.fail(err)
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// array reads an array, calling fn for each element; fn must read it.
func (w *walker) array(fn func() error) error {
	if err := w.delim('['); err != nil {
		return err
	}
	for w.dec.More() {
		if err := fn(); err != nil {
			return err
		}
	}
	return w.delim(']')
}

// peekKind reports what the next value is: '{', '[', or 0 for anything else.
func (w *walker) peekKind() (byte, error) {
	// Token would consume the delimiter; look at the decoder's buffer through a fresh read instead.
	b, err := w.peekByte()
	if err != nil {
		return 0, err
	}
	if b == '{' || b == '[' {
		return b, nil
	}
	return 0, nil
}

func (w *walker) peekByte() (byte, error) {
	br := w.dec.Buffered()
	var one [1]byte
	for {
		n, err := br.Read(one[:])
		if n == 1 {
			switch one[0] {
			case ' ', '\t', '\r', '\n', ':', ',':
				continue
			}
			return one[0], nil
		}
		if err != nil {
			// Nothing buffered: let the caller decode and fail or succeed as the value says.
			return 0, nil
		}
	}
}

// decode reads the next value into v.
func (w *walker) decode(v any) error {
	if err := w.dec.Decode(v); err != nil {
		return w.fail(err)
	}
	return nil
}

// skip reads past the next value, keeping no more than one token of it.
func (w *walker) skip() error {
	_, _, err := w.scalar()
	return err
}

// end checks that nothing but space follows the document.
func (w *walker) end() error {
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			return aims.FieldError("file", "The file has more after its JSON document (at byte %d).", w.dec.InputOffset())
		}
		return w.fail(err)
	}
	return nil
}
