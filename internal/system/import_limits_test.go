package system_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
)

func TestAnImportOfMoreSystemsThanTheLimitIsRefusedWhileReadingAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.svc.ImportMaxRows = 3
	csvFile := func(n int) string { return systemsCSV(n) }
	jsonFile := func(n int) string {
		fs := make([]system.Fields, n)
		for i := range fs {
			fs[i] = system.Fields{Name: fmt.Sprintf("JSON system %d", i), Purpose: "x"}
		}
		b, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	imports := map[string]struct {
		file func(n int) string
		run  func(r io.Reader) ([]*system.System, error)
	}{
		"CSV":  {csvFile, func(r io.Reader) ([]*system.System, error) { return f.svc.ImportCSV(f.ctx, f.org.ID, r) }},
		"JSON": {jsonFile, func(r io.Reader) ([]*system.System, error) { return f.svc.ImportJSON(f.ctx, f.org.ID, r, nil) }},
	}
	for _, format := range []string{"CSV", "JSON"} {
		imp := imports[format]
		t.Run(format+" one over the limit", func(t *testing.T) {
			before := f.trail(t)
			// A reader that fails after the file shows that the import stopped at the item over the limit.
			r := io.MultiReader(strings.NewReader(strings.TrimSuffix(imp.file(4), "]")), iotest.ErrReader(errors.New("read past the limit")))
			_, err := imp.run(r)
			var tooMany *system.ImportTooManyError
			if !errors.As(err, &tooMany) || tooMany.Limit != 3 || aims.ErrorCode(err) != aims.ETOOLARGE {
				t.Fatalf("error %v, want more than 3 AI systems", err)
			}
			if msg := aims.ErrorMessage(err); !strings.Contains(msg, "more than 3 AI systems") || !strings.Contains(msg, "AIMS_IMPORT_MAX_ROWS") {
				t.Errorf("message %q", msg)
			}
			if n := countSystems(t, f); n != 1 {
				t.Errorf("%d systems stored, want only the fixture's", n)
			}
			if f.trail(t) != before {
				t.Error("the activity trail grew")
			}
		})
	}
	// ImportChecked, for callers that hold the systems already, keeps the same limit.
	_, err := f.svc.ImportChecked(f.ctx, f.org.ID, make([]system.Fields, 4))
	if aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Fatalf("ImportChecked of 4: %v", err)
	}
	for _, format := range []string{"CSV", "JSON"} {
		ss, err := imports[format].run(strings.NewReader(imports[format].file(3)))
		if err != nil || len(ss) != 3 {
			t.Fatalf("%s at the limit: %d systems, %v", format, len(ss), err)
		}
	}
	if n := countSystems(t, f); n != 7 {
		t.Fatalf("%d systems stored, want 7", n)
	}
}

func TestTheImportLimitDefaults(t *testing.T) {
	t.Parallel()
	svc := system.NewService(nil)
	if svc.ImportRowLimit() != system.DefaultImportMaxRows {
		t.Fatalf("limit %d", svc.ImportRowLimit())
	}
	svc.ImportMaxRows = 7
	if svc.ImportRowLimit() != 7 {
		t.Fatalf("limit %d", svc.ImportRowLimit())
	}
}

func TestJSONSystemsAreDecodedOneItemAtATime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		n        int
		index    int // of the item at fault, +1; 0 when the fault is the file's
		code     string
		field    string
	}{
		{name: "an empty array", in: "[]", n: 0},
		{name: "two items", in: `[{"name":"A","purpose":"x"}, {"name":"B","purpose":"y","markets":["EU"]}]`, n: 2},
		{name: "not an array", in: `{"name":"A"}`, code: aims.EINVALID},
		{name: "empty", in: ``, code: aims.EINVALID},
		{name: "cut short", in: `[{"name":"A","purpose":"x"}`, code: aims.EINVALID},
		{name: "bad syntax", in: `[{"name":"A",}]`, code: aims.EINVALID},
		{name: "something after the array", in: `[] []`, code: aims.EINVALID},
		{name: "an unknown field names it", in: `[{"name":"A","purpose":"x"},{"colour":"red"}]`, index: 2, code: aims.EINVALID, field: "colour"},
		{name: "a wrong type names the field", in: `[{"name":1}]`, index: 1, code: aims.EINVALID, field: "name"},
		{name: "an item that is no object", in: `[3]`, index: 1, code: aims.EINVALID},
		{name: "invalid UTF-8", in: "[{\"name\":\"\xff\"}]", index: 1, code: aims.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := system.DecodeJSON(strings.NewReader(tc.in), 10, nil)
			if tc.code == "" {
				if err != nil || len(fs) != tc.n {
					t.Fatalf("%d items, %v", len(fs), err)
				}
				return
			}
			var ie *system.ImportError
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field || errors.As(err, &ie) != (tc.index > 0) ||
				(ie != nil && ie.Index+1 != tc.index) {
				t.Fatalf("error %v (%#v), want %s on %q of item %d", err, err, tc.code, tc.field, tc.index)
			}
		})
	}
}

func countSystems(t *testing.T, f *fixture) int {
	t.Helper()
	n := 0
	if err := f.svc.EachSystem(f.ctx, f.org.ID, system.Filter{}, func(*system.System) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add(`[{"name":"A","purpose":"x","markets":["EU"]}]`)
	f.Add(`[{"name":"A"},{"colour":1}]`)
	f.Add(`[{},{},{},{}]`)
	f.Fuzz(func(t *testing.T, in string) {
		fs, err := system.DecodeJSON(strings.NewReader(in), 3, nil)
		if err != nil {
			if code := aims.ErrorCode(err); code != aims.EINVALID && code != aims.ETOOLARGE {
				t.Fatalf("error %v has code %s", err, code)
			}
			return
		}
		if len(fs) > 3 {
			t.Fatalf("%d systems over a limit of 3", len(fs))
		}
	})
}
