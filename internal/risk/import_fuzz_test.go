package risk

import (
	"bytes"
	"os"
	"testing"
)

// FuzzReadImport: whatever the bytes, reading a file of risks returns a table, faults or an error
// without panicking; every row has its place, every row's cells match the header, and a fault of a CSV
// file names a line.
func FuzzReadImport(f *testing.F) {
	for _, name := range []string{"register.csv", "register.json", "faulty.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("title\n\"x\n"))
	f.Add([]byte(`[{"title": 1}, 2, null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tbl, issues, err := readImport(bytes.NewReader(data))
		if err != nil || tbl == nil {
			return
		}
		if len(tbl.rows) != len(tbl.pos) {
			t.Fatalf("%d rows, %d places", len(tbl.rows), len(tbl.pos))
		}
		for i, row := range tbl.rows {
			if row != nil && tbl.json && len(row) != len(tbl.header) {
				t.Fatalf("row %d has %d cells for %d columns", i, len(row), len(tbl.header))
			}
		}
		for _, is := range issues {
			if !is.JSON && is.Line < 1 {
				t.Fatalf("a CSV fault without a line: %+v", is)
			}
		}
	})
}
