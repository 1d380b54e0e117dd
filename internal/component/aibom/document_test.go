package aibom

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
)

// checkDocument holds Read, Validate and Inventory to Parse for data: Validate gives Parse's verdict,
// Inventory gives Parse's inventory when the document is valid and Parse's error when it is not JSON, and
// never panics.
func checkDocument(t *testing.T, data []byte, limit int64) {
	t.Helper()
	want, perr := Parse(bytes.NewReader(data), limit)
	doc, err := Read(bytes.NewReader(data), limit)
	var tl *TooLargeError
	if errors.As(perr, &tl) {
		if !errors.As(err, &tl) {
			t.Fatalf("Parse refused the size (%v), Read = %v", perr, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if verr := doc.Validate(); !sameError(verr, perr) {
		t.Fatalf("Validate = %v, Parse = %v", verr, perr)
	}
	got, ierr := doc.Inventory()
	var ie *InvalidError
	switch {
	case perr == nil:
		if ierr != nil {
			t.Fatalf("Inventory of a valid document: %v", ierr)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("Inventory differs from Parse (-Parse +Inventory):\n%s", d)
		}
	case errors.As(perr, &ie) && len(ie.Issues) == 1 && (strings.HasPrefix(ie.Issues[0].Message, "not JSON") ||
		strings.HasPrefix(ie.Issues[0].Message, "unsupported specVersion")):
		if !sameError(ierr, perr) {
			t.Fatalf("Inventory = %v, Parse = %v", ierr, perr)
		}
	}
}

func sameError(a, b error) bool {
	var ia, ib *InvalidError
	if errors.As(a, &ia) && errors.As(b, &ib) {
		return cmp.Equal(ia, ib)
	}
	return (a == nil) == (b == nil)
}

func TestDocumentIsParse(t *testing.T) {
	docs := map[string][]byte{
		"gpt-4o":     readFile(t, "mlbom-model-foundationmodels-gpt-4o.bom.json"),
		"bert":       readFile(t, "mlbom-model-opensource-bert-base-cased.bom.json"),
		"bert json":  bertJSON(t),
		"bert fixed": bertFixed(t),
		"valid ml":   readFile(t, "valid-machine-learning-1.6.json"),
		"big":        aibomtest.BigBOM(1 << 20),
		"not JSON":   []byte(`{"bomFormat": "CycloneDX",`),
		"array":      []byte(`[1,2]`),
		"spec 1.2":   []byte(`{"bomFormat":"CycloneDX","specVersion":"1.2"}`),
		"wrong types": []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":7,"components":[3,{"type":9,"name":["x"],
			"modelCard":"no","components":{}},{"type":"data","name":"d","data":"none"}],"services":[{"name":1}],"dependencies":[{"ref":2}]}`),
		"duplicates": []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a"},{"name":"a","type":"library"}]}`),
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) { checkDocument(t, data, limit) })
	}
	t.Run("too large", func(t *testing.T) { checkDocument(t, docs["valid ml"], 100) })
}

// TestSized checks that a size hint, right or wrong, changes nothing of what is read.
func TestSized(t *testing.T) {
	data := readFile(t, "valid-machine-learning-1.6.json")
	want := mustParse(t, data)
	for name, r := range map[string]io.Reader{
		"right":       Sized(iotest.HalfReader(bytes.NewReader(data)), int64(len(data))),
		"too small":   Sized(iotest.OneByteReader(bytes.NewReader(data)), 10),
		"too large":   Sized(bytes.NewBuffer(data), 1<<40),
		"none":        Sized(iotest.HalfReader(bytes.NewReader(data)), 0),
		"over limit":  Sized(bytes.NewReader(data), limit+1),
		"strings.Rdr": strings.NewReader(string(data)),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(r, limit)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if n := SizeOf(Sized(strings.NewReader("abc"), 7)); n != 7 {
		t.Errorf("SizeOf(Sized(r, 7)) = %d", n)
	}
	if n := SizeOf(strings.NewReader("abc")); n != 3 {
		t.Errorf("SizeOf(strings.Reader) = %d", n)
	}
	if n := SizeOf(iotest.HalfReader(strings.NewReader("abc"))); n != 0 {
		t.Errorf("SizeOf(unknown) = %d", n)
	}
	if r := strings.NewReader("x"); Sized(r, 0) != io.Reader(r) {
		t.Error("Sized(r, 0) wraps r")
	}
	// A lying hint never lets more than the limit through.
	if _, err := Parse(Sized(bytes.NewReader(data), 10), 100); err == nil {
		t.Error("a document over the limit was read because of a small hint")
	}
}
