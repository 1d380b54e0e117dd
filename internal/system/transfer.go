package system

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aimsproject/aims"
)

// ImportCSV reads systems in the CSV layout (see DecodeCSV) from r, checks every one, and stores them
// all, or none when one is at fault: the error is then a *LineError naming the line and, through its
// EINVALID or ECONFLICT error, the column. A file of more than ImportRowLimit systems is an
// *ImportTooManyError (ETOOLARGE), found while reading.
func (s *Service) ImportCSV(ctx context.Context, orgID string, r io.Reader) ([]*System, error) {
	in, err := DecodeCSV(r, s.ImportRowLimit())
	if err != nil {
		return nil, err
	}
	if err := uniqueNames(in.Fields, func(i int) string { return fmt.Sprintf("line %d", in.Lines[i]) }); err != nil {
		return nil, &LineError{Line: in.Lines[err.Index], Err: err.Err}
	}
	ss, err := s.Import(ctx, orgID, in.Fields)
	var ie *ImportError
	if errors.As(err, &ie) {
		return nil, &LineError{Line: in.Lines[ie.Index], Err: ie.Err}
	}
	return ss, err
}

// ImportJSON reads a JSON array of systems (see DecodeJSON; decode nil decodes each item with
// DecodeFields) from r and stores them all with ImportChecked, or none. An array of more than
// ImportRowLimit items is an *ImportTooManyError (ETOOLARGE), found while reading.
func (s *Service) ImportJSON(ctx context.Context, orgID string, r io.Reader, decode func(data []byte, f *Fields) error) ([]*System, error) {
	fs, err := DecodeJSON(r, s.ImportRowLimit(), decode)
	if err != nil {
		return nil, err
	}
	return s.ImportChecked(ctx, orgID, fs)
}

// ImportChecked is Import after a check that no two of fs have the same name (after trimming), which the
// store would refuse without saying which item is at fault. The second of two is the *ImportError's
// item, with ECONFLICT on name. More than ImportRowLimit systems is an *ImportTooManyError.
func (s *Service) ImportChecked(ctx context.Context, orgID string, fs []Fields) ([]*System, error) {
	if len(fs) > s.ImportRowLimit() {
		return nil, &ImportTooManyError{Limit: s.ImportRowLimit()}
	}
	if err := uniqueNames(fs, func(i int) string { return fmt.Sprintf("item %d", i+1) }); err != nil {
		return nil, err
	}
	return s.Import(ctx, orgID, fs)
}

// uniqueNames returns the fault of the first of fs whose name an earlier one has, which where names.
func uniqueNames(fs []Fields, where func(i int) string) *ImportError {
	first := make(map[string]int, len(fs))
	for i := range fs {
		name := strings.TrimSpace(fs[i].Name)
		if name == "" {
			continue
		}
		if j, dup := first[name]; dup {
			return &ImportError{Index: i, Err: &aims.Error{Code: aims.ECONFLICT, Field: "name",
				Message: fmt.Sprintf("%q is the name of %s already; each AI system needs its own name.", name, where(j))}}
		}
		first[name] = i
	}
	return nil
}

// EachSystem calls fn with every system of orgID that f selects, in f's order, a page at a time, so that
// an export need not hold the whole inventory. It stops at fn's first error and returns it.
func (s *Service) EachSystem(ctx context.Context, orgID string, f Filter, fn func(*System) error) error {
	p := aims.Page{Limit: 200}
	for {
		ss, next, err := s.List(ctx, orgID, f, p)
		if err != nil {
			return err
		}
		for _, x := range ss {
			if err := fn(x); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}
