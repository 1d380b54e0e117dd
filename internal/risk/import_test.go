package risk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// importFixture is an organization with a system, TalentMatch, a contributor (priya), a manager (maya)
// and an auditor (audrey), and a context acting as priya.
func importFixture(t *testing.T) (*fixture, context.Context, string) {
	t.Helper()
	f := newFixture(t)
	ctx, _ := f.member(t, f.org, "priya@lumen.example", aims.RoleContributor)
	f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	f.member(t, f.org, "audrey@audit.example", aims.RoleAuditor)
	s, err := f.sv.Systems.Create(ctx, f.org.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening"})
	if err != nil {
		t.Fatal(err)
	}
	return f, ctx, s.ID
}

func (f *fixture) allRisks(t *testing.T) []*risk.Risk {
	t.Helper()
	rs, _, err := f.sv.Risks.List(context.Background(), f.org.ID, risk.Filter{Sort: "ref"}, aims.Page{Limit: aims.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	file, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { file.Close() })
	return file
}

// TestAnImportReadsLabelsNumbersNamesAndAxes: a register from a spreadsheet, rated by labels (any case)
// and numbers, a plain consequence on the first axis and per-axis columns, systems, sources, objectives
// and owners by name or e-mail in any case, is stored in file order as R-1.. with one activity entry.
func TestAnImportReadsLabelsNumbersNamesAndAxes(t *testing.T) {
	t.Parallel()
	f, ctx, systemID := importFixture(t)
	trail := f.trail(t)
	res, err := f.sv.Risks.Import(ctx, f.org.ID, openTestdata(t, "register.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 4 || res.FirstRef != "R-1" || res.LastRef != "R-4" || res.CriteriaVersion != 1 {
		t.Fatalf("result: %+v", res)
	}
	// One entry for the criteria saved as version 1, one for the import: not one a risk.
	if got := f.trail(t) - trail; got != 2 {
		t.Errorf("activity entries written: %d, want 2", got)
	}
	rs := f.allRisks(t)
	if len(rs) != 4 {
		t.Fatalf("%d risks", len(rs))
	}
	r1 := rs[0]
	if r1.Ref != "R-1" || r1.Title != "The ranker favours one group" || r1.SystemID != systemID || r1.Source != "C.3.4" ||
		r1.Objective != "C.2.5" || r1.OwnerName == "" || r1.Status != risk.StatusTreating || r1.TreatmentOption != "modify" ||
		r1.ReviewDue != "2027-06-30" || !strings.Contains(r1.Description, "2025 audit") {
		t.Errorf("R-1: %+v", r1)
	}
	if r1.Inherent.Likelihood != 4 || r1.Inherent.Consequences["organization"] != 3 || r1.Inherent.Consequences["individuals"] != 5 ||
		r1.Inherent.Level != "critical" {
		t.Errorf("R-1 inherent: %+v", r1.Inherent)
	}
	if r1.Residual.Likelihood != 2 || r1.Residual.Consequences["individuals"] != 4 || r1.Residual.Level != "medium" {
		t.Errorf("R-1 residual: %+v", r1.Residual)
	}
	r2 := rs[1]
	if r2.SystemID != "" || r2.Source != "C.3.2" || r2.Objective != "C.2.11" || r2.OwnerID != "" || r2.Status != risk.StatusAssessed ||
		r2.Inherent.Level != "critical" {
		t.Errorf("R-2: %+v", r2)
	}
	if r3 := rs[2]; r3.Inherent.Rated() || r3.Status != risk.StatusIdentified || r3.OwnerID == "" {
		t.Errorf("R-3: %+v", r3)
	}
	if r4 := rs[3]; r4.SystemID != systemID || r4.Title != "Model drift, unnoticed" || r4.Inherent.Likelihood != 3 ||
		r4.Inherent.Consequences["organization"] != 2 || r4.Objective != "C.2.8" || r4.OwnerID != r1.OwnerID {
		t.Errorf("R-4: %+v", r4)
	}
	// The heat maps count the imported risks.
	h, err := f.sv.Risks.HeatMap(ctx, f.org.ID, risk.Filter{}, false)
	if err != nil || h.Total != 3 || h.Counts[3][4] != 1 {
		t.Errorf("inherent heat map: %+v, %v", h, err)
	}
}

// TestAnImportOfJSONTakesTheSameColumnsAsMembers: numbers and labels as JSON numbers or strings, null for
// none, members left out empty.
func TestAnImportOfJSONTakesTheSameColumnsAsMembers(t *testing.T) {
	t.Parallel()
	f, ctx, systemID := importFixture(t)
	res, err := f.sv.Risks.Import(ctx, f.org.ID, openTestdata(t, "register.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 2 || res.LastRef != "R-2" {
		t.Fatalf("result: %+v", res)
	}
	rs := f.allRisks(t)
	if r := rs[0]; r.SystemID != systemID || r.Inherent.Level != "critical" || r.Residual.Likelihood != 2 || r.Residual.Level != "medium" {
		t.Errorf("R-1: %+v", r)
	}
	if r := rs[1]; r.Source != "C.3.5" || r.OwnerID != "" || r.Status != risk.StatusIdentified {
		t.Errorf("R-2: %+v", r)
	}
}

// TestAFaultyImportNamesEveryFaultsLineAndColumnAndWritesNothing: each fault of the file is listed with its
// line and column, and neither a risk, nor the criteria, nor an activity entry is written.
func TestAFaultyImportNamesEveryFaultsLineAndColumnAndWritesNothing(t *testing.T) {
	t.Parallel()
	f, ctx, _ := importFixture(t)
	trail := f.trail(t)
	_, err := f.sv.Risks.Import(ctx, f.org.ID, openTestdata(t, "faulty.csv"))
	var ie *risk.ImportError
	if !errors.As(err, &ie) || aims.ErrorCode(err) != aims.EINVALID {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, is := range ie.Issues {
		got = append(got, fmt.Sprintf("%d %s", is.Line, is.Field))
	}
	want := []string{"3 system", "4 owner", "5 source", "6 likelihood", "7 owner", "8 title", "9 treatment_option"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("faults at %q, want %q\n%v", got, want, ie.Issues)
	}
	if msg := aims.ErrorMessage(err); !strings.HasPrefix(msg, "Line 3, column system: No AI system named \"Nowhere\"") ||
		!strings.Contains(msg, "(and 6 other faults) Nothing was imported.") {
		t.Errorf("message: %s", msg)
	}
	if !strings.Contains(ie.Issues[3].Message, `"very likely" is not a step of the scale: give 1 to 5 or a label (Rare,`) {
		t.Errorf("likelihood fault: %s", ie.Issues[3].Message)
	}
	if n := len(f.allRisks(t)); n != 0 || f.trail(t) != trail {
		t.Errorf("after a refused import: %d risks, %d new activity entries", n, f.trail(t)-trail)
	}
	if c, err := f.sv.Risks.Criteria(ctx, f.org.ID); err != nil || c.Version != 0 {
		t.Errorf("criteria after a refused import: %+v, %v", c, err)
	}
}

func TestAnImportRefusesFilesOfTheWrongShape(t *testing.T) {
	t.Parallel()
	f, ctx, _ := importFixture(t)
	for _, tc := range []struct {
		name, file string
		want       []string // "line field" or "index field", in order
		msg        string
	}{
		{"a required column missing", "title,system,source,owner,likelihood,status\nx,,C.3.1,,1,\n", []string{"1 consequence"},
			`The first row must name the column "consequence"`},
		{"an unknown column", "title,system,source,owner,likelihood,consequence,status,colour\nx,,C.3.1,,,,,\n", []string{"1 colour"},
			`Unknown column "colour"`},
		{"an axis the criteria lack", "title,system,source,owner,likelihood,consequence_planet,status\nx,,C.3.1,,,,\n",
			[]string{"1 consequence_planet", "1 consequence"}, `Unknown column "consequence_planet"`},
		{"the first axis twice", "title,system,source,owner,likelihood,consequence,consequence_organization,status\nx,,C.3.1,,1,1,1,\n",
			[]string{"1 consequence"}, "give either consequence or consequence_organization"},
		{"a row of too many cells", "title,system,source,owner,likelihood,consequence,status\nx,,C.3.1,,1,1,,extra\n", []string{"2 "},
			"The row has 8 cells"},
		{"an unclosed quote", "title,system,source,owner,likelihood,consequence,status\n\"x,,C.3.1,,1,1,\n", []string{"2 "},
			"A quoted cell is not closed"},
		{"no risks", "title,system,source,owner,likelihood,consequence,status\n", []string{"1 "}, "The file holds no risks."},
		{"a rating out of the scale", "title,system,source,owner,likelihood,consequence,status\nx,,C.3.1,,6,1,\n", []string{"2 likelihood"},
			"6 is not a step of the scale: give 1 to 5"},
		{"a likelihood without consequence", "title,system,source,owner,likelihood,consequence,status\nx,,C.3.1,,2,,\n",
			[]string{"2 consequence"}, "Rate the consequences on at least one axis."},
		{"JSON: not an array", `{"title": "x"}`, []string{"-1 "}, "The file must be a JSON array of risks"},
		{"JSON: an unknown member", `[{"title": "x", "source": "C.3.1"}, {"title": "y", "source": "C.3.1", "colour": "red"}]`,
			[]string{"1 colour"}, `Item 1, field colour: Unknown column "colour"`},
		{"JSON: a bad value", `[{"title": "x", "source": "C.3.1", "likelihood": true}, "risk"]`, []string{"0 likelihood", "1 "},
			"Item 0, field likelihood: Give a string or a number."},
		{"JSON: a bad likelihood", `[{"title": "x", "source": "C.3.1"}, {"title": "y", "source": "C.3.1", "likelihood": "Often", "consequence": 2}]`,
			[]string{"1 likelihood"}, `Item 1, field likelihood: "Often" is not a step`},
		{"JSON: cut short", `[{"title": "x"`, []string{"-1 "}, "The file is not complete JSON."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.sv.Risks.Import(ctx, f.org.ID, strings.NewReader(tc.file))
			var ie *risk.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v", err)
			}
			var got []string
			for _, is := range ie.Issues {
				if is.JSON {
					got = append(got, fmt.Sprintf("%d %s", is.Index, is.Field))
				} else {
					got = append(got, fmt.Sprintf("%d %s", is.Line, is.Field))
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || !strings.Contains(aims.ErrorMessage(err), tc.msg) {
				t.Errorf("faults %q (want %q): %s", got, tc.want, aims.ErrorMessage(err))
			}
		})
	}
	if n := len(f.allRisks(t)); n != 0 {
		t.Errorf("%d risks after refused imports", n)
	}
}

// TestAnImportListsAtMostTwentyFaults: a file of many bad rows lists the first twenty and says there are
// more.
func TestAnImportListsAtMostTwentyFaults(t *testing.T) {
	t.Parallel()
	f, ctx, _ := importFixture(t)
	var b strings.Builder
	b.WriteString("title,system,source,owner,likelihood,consequence,status\n")
	for i := range 100 {
		fmt.Fprintf(&b, "Risk %d,,C.3.1,,Often,1,\n", i)
	}
	_, err := f.sv.Risks.Import(ctx, f.org.ID, strings.NewReader(b.String()))
	var ie *risk.ImportError
	if !errors.As(err, &ie) || len(ie.Issues) != 20 || !ie.Truncated || ie.Issues[19].Line != 21 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(aims.ErrorMessage(err), "and more than 19 other faults") {
		t.Errorf("message: %s", aims.ErrorMessage(err))
	}
}

// TestImportedRisksAreNumberedAfterTheRegistersLast: refs continue the register's sequence, import after
// import, with no number taken twice.
func TestImportedRisksAreNumberedAfterTheRegistersLast(t *testing.T) {
	t.Parallel()
	f, ctx, _ := importFixture(t)
	if _, err := f.sv.Risks.Create(ctx, f.org.ID, risk.Fields{Title: "By hand", Source: "C.3.1"}); err != nil {
		t.Fatal(err)
	}
	file := "title,system,source,owner,likelihood,consequence,status\nA,,C.3.1,,,,\nB,,C.3.2,,,,\n"
	for _, want := range []string{"R-2..R-3", "R-4..R-5"} {
		res, err := f.sv.Risks.Import(ctx, f.org.ID, strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if got := res.FirstRef + ".." + res.LastRef; got != want {
			t.Errorf("refs %s, want %s", got, want)
		}
	}
	r, err := f.sv.Risks.Create(ctx, f.org.ID, risk.Fields{Title: "By hand again", Source: "C.3.1"})
	if err != nil || r.Ref != "R-6" {
		t.Fatalf("next risk: %+v, %v", r, err)
	}
	seen := map[string]bool{}
	for _, r := range f.allRisks(t) {
		if seen[r.Ref] {
			t.Errorf("%s twice", r.Ref)
		}
		seen[r.Ref] = true
	}
	if len(seen) != 6 {
		t.Errorf("%d refs", len(seen))
	}
}

// TestABigImportIsStoredAndCounted: a generated file of 5,000 risks over systems, owners and all the
// cells of the matrix is stored whole, its heat map counted once.
func TestABigImportIsStoredAndCounted(t *testing.T) {
	t.Parallel()
	f, ctx, _ := importFixture(t)
	const n = 5000
	file := generatedRegister(n, "TalentMatch", "priya@lumen.example")
	res, err := f.sv.Risks.Import(ctx, f.org.ID, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != n || res.LastRef != fmt.Sprintf("R-%d", n) {
		t.Fatalf("result: %+v", res)
	}
	h, err := f.sv.Risks.HeatMap(ctx, f.org.ID, risk.Filter{Status: risk.StatusAssessed}, false)
	if err != nil || h.Total != n {
		t.Fatalf("heat map of %d risks, %v", h.Total, err)
	}
	fromCells, err := f.sv.Risks.HeatMap(ctx, f.org.ID, risk.Filter{}, false) // the open risks, from risk_cells
	if err != nil || fromCells.Total != n {
		t.Fatalf("cells count %d risks, %v", fromCells.Total, err)
	}
}

// TestAnImportOverTheLimitsIsRefusedAsTooLarge: more rows than MaxImportRows, or more bytes than
// MaxImportBytes, is ETOOLARGE before anything is checked.
func TestAnImportOverTheLimitsIsRefusedAsTooLarge(t *testing.T) {
	t.Parallel()
	f, ctx, _ := importFixture(t)
	rows := "title\n" + strings.Repeat("x\n", risk.MaxImportRows+1)
	if _, err := f.sv.Risks.Import(ctx, f.org.ID, strings.NewReader(rows)); aims.ErrorCode(err) != aims.ETOOLARGE ||
		!strings.Contains(aims.ErrorMessage(err), "more than 100,000 risks") {
		t.Errorf("too many rows: %v", err)
	}
	big := bytes.Repeat([]byte("x"), risk.MaxImportBytes+1)
	if _, err := f.sv.Risks.Import(ctx, f.org.ID, bytes.NewReader(big)); aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Errorf("too many bytes: %v", err)
	}
}

// TestImportIssuesMarshalWithTheirPlace: a CSV fault is {line, column, message}, a JSON one {index,
// field, message}.
func TestImportIssuesMarshalWithTheirPlace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		is   risk.ImportIssue
		want string
	}{
		{risk.ImportIssue{Line: 3, Field: "owner", Message: "m"}, `{"line":3,"column":"owner","message":"m"}`},
		{risk.ImportIssue{JSON: true, Index: 0, Field: "owner", Message: "m"}, `{"index":0,"field":"owner","message":"m"}`},
		{risk.ImportIssue{JSON: true, Index: -1, Message: "m"}, `{"message":"m"}`},
	} {
		b, err := json.Marshal(tc.is)
		if err != nil || string(b) != tc.want {
			t.Errorf("%+v: %s, %v", tc.is, b, err)
		}
	}
}

// generatedRegister is a CSV file of n rated risks, alternately of system and organization-wide, owned
// by owner every third, cycling through the default scales' labels and numbers.
func generatedRegister(n int, system, owner string) []byte {
	labels := []string{"Rare", "Unlikely", "Possible", "Likely", "Almost certain"}
	var b bytes.Buffer
	b.WriteString("title,system,source,owner,likelihood,consequence,consequence_individuals,status,review_due,description\n")
	for i := range n {
		sys, own := "", ""
		if i%2 == 0 {
			sys = system
		}
		if i%3 == 0 {
			own = owner
		}
		fmt.Fprintf(&b, "Generated risk %d,%s,C.3.%d,%s,%s,%d,%d,assessed,2027-%02d-%02d,\"A generated risk, number %d, for the import's tests.\"\n",
			i, sys, 1+i%7, own, labels[i%5], 1+(i/5)%5, 1+(i/25)%5, 1+i%12, 1+i%28, i)
	}
	return b.Bytes()
}
