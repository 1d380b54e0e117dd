package system_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/aimsproject/aims/internal/system"
)

// TestSystemsAreExportedAsTheyAreRead writes the same files as encoding the whole inventory at once
// would, for CSV and for compact and indented JSON, and stops at the first failed write.
func TestSystemsAreExportedAsTheyAreRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // one system, "Assistant"
	empty := newFixture(t)
	if err := empty.svc.Delete(empty.ctx, empty.org.ID, empty.sys.ID); err != nil {
		t.Fatal(err)
	}
	fs := make([]system.Fields, 450) // more than two pages of EachSystem
	for i := range fs {
		fs[i] = system.Fields{Name: fmt.Sprintf("System %03d", i), Purpose: "=cmd|calc, exported."}
	}
	if _, err := f.svc.Import(f.ctx, f.org.ID, fs); err != nil {
		t.Fatal(err)
	}
	for _, fx := range []*fixture{f, empty} {
		var all []system.Fields
		if err := fx.svc.EachSystem(fx.ctx, fx.org.ID, system.Filter{}, func(s *system.System) error {
			all = append(all, system.FieldsOf(s))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if all == nil {
			all = []system.Fields{}
		}
		var csvWant bytes.Buffer
		cw := system.NewCSVWriter(&csvWant)
		for i := range all {
			if err := cw.Write(&all[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := cw.Flush(); err != nil {
			t.Fatal(err)
		}
		var compact, indented bytes.Buffer
		if err := json.NewEncoder(&compact).Encode(all); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&indented)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			format, indent string
			want           []byte
		}{{"csv", "", csvWant.Bytes()}, {"json", "", compact.Bytes()}, {"json", "  ", indented.Bytes()}} {
			var got bytes.Buffer
			started := 0
			if err := fx.svc.ExportSystems(fx.ctx, fx.org.ID, tc.format, tc.indent, &got, func() { started++ }); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), tc.want) || started != 1 {
				t.Errorf("%d systems as %s %q: start called %d times; got %d bytes, want %d:\n%.300s\nwant\n%.300s",
					len(all), tc.format, tc.indent, started, got.Len(), len(tc.want), got.Bytes(), tc.want)
			}
		}
	}
	broken := errors.New("the client went away")
	if err := f.svc.ExportSystems(f.ctx, f.org.ID, "json", "", failingWriter{broken}, nil); !errors.Is(err, broken) {
		t.Errorf("export to a failing writer: %v, want %v", err, broken)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
