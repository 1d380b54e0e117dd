package aibom

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FuzzReadTree holds readTree to jsonschema.UnmarshalJSON (encoding/json with numbers kept as text):
// the same values for JSON, an error for anything else.
func FuzzReadTree(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,-2.5e+3,true,false,null,"x"]}`, `"\u00e9\ud83d\ude00\n"`, `"\ud800"`,
		"\"\xff\"", `{"a":1,"a":2}`, `[1,]`, `{"a" 1}`, `01`, `-`, `1.`, `1e`, ` [ 1 , 2 ] `, `[1] x`, `"a\tb"`,
		`{"k":"` + strings.Repeat("é", 10) + `"}`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001)} {
		f.Add([]byte(s))
	}
	f.Add(readFile(f, "valid-machine-learning-1.6.json"))
	f.Add([]byte(`{"name":"x","n\u0061me":1,"bom-ref":{"bom-ref":[]},"unknown":true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := readTree(data)
		want, werr := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if (err != nil) != (werr != nil) {
			t.Fatalf("readTree error %v, UnmarshalJSON error %v", err, werr)
		}
		if err == nil {
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("values differ (-UnmarshalJSON +readTree):\n%s", d)
			}
		}
		// The same with the schema's property names reused.
		s, serr := compiled()
		if serr != nil {
			t.Fatal(serr)
		}
		r := &treeReader{data: data, keys: s.keys}
		v, kerr := r.value()
		if kerr == nil {
			if r.space(); r.off != len(data) {
				kerr = errSyntax
			}
		}
		if (kerr != nil) != (err != nil) || err == nil && !cmp.Equal(got, v) {
			t.Fatalf("with schema keys: %v, %v; without: %v, %v", v, kerr, got, err)
		}
	})
}

// TestSkipValue checks that skipValue finds the end of each kind of value.
func TestSkipValue(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{`{"a":"}"} ,`, 9}, {`["\"]"]`, 7}, {`12, 3`, 2}, {`true]`, 4}, {`"x\\"y`, 5}, {`{"a":[1,{}]}`, 12},
	} {
		got, err := skipValue([]byte(tt.in), 0)
		if err != nil || got != tt.want {
			t.Errorf("skipValue(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{`"abc`, `{"a":1`, `]`, `,`} {
		if _, err := skipValue([]byte(in), 0); err == nil {
			t.Errorf("skipValue(%q) found a value", in)
		}
	}
}

// TestSchemaKeys checks that the schema's property names are found for the tree reader to reuse, and
// that a reused name is the one read.
func TestSchemaKeys(t *testing.T) {
	s, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"bomFormat", "components", "bom-ref", "modelCard", "performanceMetrics", "dependsOn"} {
		if s.keys[k] != k {
			t.Errorf("schema key %q: %q", k, s.keys[k])
		}
	}
	r := &treeReader{data: []byte(`{"name":"x","n\u0061me2":1,"bom-ref":"r","unknown":true}`), keys: s.keys}
	v, err := r.value()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "x", "name2": json.Number("1"), "bom-ref": "r", "unknown": true}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("read %v, want %v", v, want)
	}
}
