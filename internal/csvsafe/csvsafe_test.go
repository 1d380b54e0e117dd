package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestGuardedCellsAreNotFormulasAndRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"a=b", "a=b"},
		{`=HYPERLINK("http://x.example","y")`, `'=HYPERLINK("http://x.example","y")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"'=1", "''=1"},
		{"'plain", "'plain"},
	}
	for _, c := range cases {
		if got := Guard(c.in); got != c.want {
			t.Errorf("Guard(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := Unguard(Guard(c.in)); got != c.in {
			t.Errorf("Unguard(Guard(%q)) = %q", c.in, got)
		}
	}
}

func TestWriterGuardsEveryCell(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	in := []string{"=1+1", "ok", "+cmd|calc"}
	if err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if in[0] != "=1+1" {
		t.Errorf("Write changed its argument: %q", in)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0]; got[0] != "'=1+1" || got[1] != "ok" || got[2] != "'+cmd|calc" {
		t.Errorf("row = %q", got)
	}
}
