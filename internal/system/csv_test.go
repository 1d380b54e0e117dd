package system

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims"
)

func TestTheCSVLayoutHasEveryFieldOnce(t *testing.T) {
	var want []string
	ft := reflect.TypeOf(Fields{})
	for i := range ft.NumField() {
		name, _, _ := strings.Cut(ft.Field(i).Tag.Get("json"), ",")
		want = append(want, name)
	}
	if diff := cmp.Diff(want, CSVColumns()); diff != "" {
		t.Fatalf("CSV columns differ from the JSON names of Fields (-fields +csv):\n%s", diff)
	}
}

func TestCSVIsDecoded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		max   int
		want  []Fields
		lines []int
		// line and field of the expected fault, and a part of its message.
		line    int
		field   string
		mention string
	}{
		{name: "a plain file", in: "name,purpose,stage\nLumen,Answers,deployment\nTalent,Screens CVs,inception\n",
			want:  []Fields{{Name: "Lumen", Purpose: "Answers", Stage: "deployment"}, {Name: "Talent", Purpose: "Screens CVs", Stage: "inception"}},
			lines: []int{2, 3}},
		{name: "headers in any order and case, with spaces", in: " Purpose ,NAME\r\nAnswers,Lumen\r\n",
			want: []Fields{{Name: "Lumen", Purpose: "Answers"}}, lines: []int{2}},
		{name: "a byte order mark before the header is ignored", in: "\ufeffname,purpose\nLumen,Answers\n",
			want: []Fields{{Name: "Lumen", Purpose: "Answers"}}, lines: []int{2}},
		{name: "quoted cells keep commas, quotes and line breaks; lines count from where a row starts",
			in: "name,purpose,markets\n\"Lumen, the assistant\",\"Says \"\"hi\"\"\nand more\",EU; UK ;\nTalent,x,\n",
			want: []Fields{{Name: "Lumen, the assistant", Purpose: "Says \"hi\"\nand more", Markets: []string{"EU", " UK ", ""}},
				{Name: "Talent", Purpose: "x"}}, lines: []int{2, 4}},
		{name: "yes/no cells take true, false, yes, no in any case, and empty", in: "name,purpose,personal_data,generates_content,interacts_with_people,special_category_data\n" +
			"A,x,Yes,TRUE,no,\n",
			want: []Fields{{Name: "A", Purpose: "x", PersonalData: true, GeneratesContent: true}}, lines: []int{2}},
		{name: "empty lines are skipped", in: "name,purpose\n\nA,x\n\n", want: []Fields{{Name: "A", Purpose: "x"}}, lines: []int{3}},
		{name: "a header alone is no system", in: "name,purpose\n", want: nil},
		{name: "a bad yes/no cell names its line and column", in: "name,purpose,personal_data\nA,x,yes\nB,x,maybe\n",
			line: 3, field: "personal_data", mention: `not "maybe"`},
		{name: "an unknown column is named", in: "name,purpose,colour\n", line: 1, field: "colour", mention: "Unknown column"},
		{name: "a column twice is named", in: "name,purpose,Name\n", line: 1, field: "name", mention: "more than once"},
		{name: "a missing required column is named", in: "name,stage\nA,inception\n", line: 1, field: "purpose", mention: `column "purpose"`},
		{name: "an empty column name is refused", in: "name,purpose,\n", line: 1, mention: "needs a name"},
		{name: "an empty file is refused", in: "", line: 1, mention: "empty"},
		{name: "a row with too few cells is refused", in: "name,purpose\nA,x\nB\n", line: 3, mention: "number of cells"},
		{name: "an unclosed quote is refused at the line it opens", in: "name,purpose\nA,x\nB,\"open\nstill\n", line: 3, mention: "not closed"},
		{name: "a bare quote is refused", in: "name,purpose\nA,x\"y\n", line: 2, mention: "quote"},
		{name: "invalid UTF-8 is refused", in: "name,purpose\nA,\xff\n", line: 2, field: "purpose", mention: "UTF-8"},
		{name: "rows up to the limit are taken", in: "name,purpose\nA,x\nB,x\n", max: 2,
			want: []Fields{{Name: "A", Purpose: "x"}, {Name: "B", Purpose: "x"}}, lines: []int{2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			max := tc.max
			if max == 0 {
				max = DefaultImportMaxRows
			}
			got, err := DecodeCSV(strings.NewReader(tc.in), max)
			if tc.line != 0 {
				var le *LineError
				if !errors.As(err, &le) || le.Line != tc.line || aims.ErrorField(err) != tc.field || aims.ErrorCode(err) != aims.EINVALID ||
					!strings.Contains(err.Error(), tc.mention) {
					t.Fatalf("error %v (%#v), want line %d, field %q, mentioning %q", err, err, tc.line, tc.field, tc.mention)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.Fields); diff != "" {
				t.Errorf("systems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.lines, got.Lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCSVRoundTrips(t *testing.T) {
	in := []Fields{
		{Name: "Lumen, \"the\" assistant", Purpose: "Line one\nline two", IntendedUse: "=SUM(A1)", AIRole: "ai_provider", EURole: "provider",
			Stage: "deployment", Status: "active", OwnerID: aims.NewID(), Team: "Support", Environments: []string{"prod", "staging"},
			Markets: []string{"EU"}, Users: "Agents", AffectedPeople: "Customers", Automation: "Drafts", HumanOversight: "Review",
			PersonalData: true, SpecialCategoryData: true, DataNotes: "Tickets", InteractsWithPeople: true, GeneratesContent: true},
		{Name: "Ümlaut 🤖", Purpose: "x", Stage: "inception", Status: "planned", Environments: []string{}, Markets: []string{}},
	}
	var buf bytes.Buffer
	if err := EncodeCSV(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), strings.Join(CSVColumns(), ",")+"\n") {
		t.Fatalf("the export does not start with the header:\n%s", buf.String())
	}
	out, err := DecodeCSV(&buf, DefaultImportMaxRows)
	if err != nil {
		t.Fatal(err)
	}
	// Empty lists come back as none, which the service stores as empty lists.
	in[1].Environments, in[1].Markets = nil, nil
	if diff := cmp.Diff(in, out.Fields); diff != "" {
		t.Fatalf("round trip (-exported +imported):\n%s", diff)
	}

	buf.Reset()
	if err := EncodeCSV(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != strings.Join(CSVColumns(), ",")+"\n" {
		t.Fatalf("an empty export is %q, want the header alone", got)
	}
}

// TestCSVCellsAreNotFormulas checks the guard against CSV injection: what a spreadsheet would run is
// written behind an apostrophe, and every value still comes back as it was.
func TestCSVCellsAreNotFormulas(t *testing.T) {
	for _, tt := range []struct{ value, cell string }{
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+1 555", "'+1 555"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tTab", "'\tTab"},
		{"'=already guarded by hand", "''=already guarded by hand"},
		{"'quoted", "'quoted"},
		{"plain = text", "plain = text"},
		{"", ""},
	} {
		var buf bytes.Buffer
		if err := EncodeCSV(&buf, []Fields{{Name: "A", Purpose: tt.value}}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[1][slices.Index(CSVColumns(), "purpose")]; got != tt.cell {
			t.Errorf("%q is written as %q, want %q", tt.value, got, tt.cell)
		}
		out, err := DecodeCSV(&buf, DefaultImportMaxRows)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Fields[0].Purpose; got != tt.value {
			t.Errorf("%q comes back as %q", tt.value, got)
		}
	}
}

func TestCSVIsRefusedAtTheFirstRowOverTheLimitWithoutReadingFurther(t *testing.T) {
	// After the row over the limit comes a fault (a row with too few cells) and then a reader that
	// fails: a decoder that read on would report either instead.
	r := io.MultiReader(strings.NewReader("name,purpose\nA,x\n\nB,x\nC,x\nD\n"), iotest.ErrReader(errors.New("read past the limit")))
	_, err := DecodeCSV(r, 2)
	var tooMany *ImportTooManyError
	if !errors.As(err, &tooMany) || tooMany.Limit != 2 || tooMany.Line != 5 || aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Fatalf("error %v (%#v), want more than 2 systems at line 5", err, err)
	}
	msg := aims.ErrorMessage(err)
	for _, want := range []string{"more than 2 AI systems", "--import-max-rows", "AIMS_IMPORT_MAX_ROWS", "Nothing was imported"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
}

func FuzzDecodeCSV(f *testing.F) {
	f.Add("name,purpose\nA,x\n")
	f.Add("\ufeffname,purpose,markets,personal_data\n\"A\nB\",x,EU;UK,yes\n")
	f.Add("name,purpose,colour\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := DecodeCSV(strings.NewReader(in), 50)
		var tooMany *ImportTooManyError
		if errors.As(err, &tooMany) {
			if tooMany.Limit != 50 || tooMany.Line < 52 || aims.ErrorCode(err) != aims.ETOOLARGE {
				t.Fatalf("error %#v for too many rows", tooMany)
			}
			return
		}
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || le.Line < 1 || aims.ErrorCode(err) != aims.EINVALID {
				t.Fatalf("error %v is not a *LineError on a line", err)
			}
			return
		}
		if len(got.Fields) != len(got.Lines) || len(got.Fields) > 50 {
			t.Fatalf("%d systems, %d lines", len(got.Fields), len(got.Lines))
		}
	})
}
