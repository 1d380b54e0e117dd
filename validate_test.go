package aims_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/aimsproject/aims"
)

func TestJSONWithHalfASurrogatePairIsRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body, field string
	}{
		{"a lone high surrogate", `{"name":"\ud800"}`, "name"},
		{"a lone low surrogate", `{"name":"Acme \uDC00 Labs"}`, "name"},
		{"a high surrogate at the end", `{"purpose":"ok","name":"x\ud83d"}`, "name"},
		{"a pair the wrong way round", `{"name":"\ude00\ud83d"}`, "name"},
		{"a high surrogate before a character that is not a low one", `{"name":"\ud83d\u0041"}`, "name"},
		{"in a nested member", `{"details":{"licence":"\ud800","x":1}}`, "details.licence"},
		{"in an array in a member", `{"markets":["EU","\udfff"]}`, "markets"},
		{"in an object in an array", `[{"name":"ok"},{"name":"ok","purpose":"\ud800"}]`, "purpose"},
		{"in a member name", `{"n\ud800":1}`, "n\ufffd"},
		{"after an escaped quote", `{"a":"\"","b":"\ud800"}`, "b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := aims.CheckJSONSurrogates([]byte(c.body))
			var e *aims.Error
			if !errors.As(err, &e) || e.Code != aims.EINVALID || e.Field != c.field {
				t.Fatalf("CheckJSONSurrogates(%s) = %#v, want EINVALID on %q", c.body, err, c.field)
			}
		})
	}
	if err := aims.CheckJSONSurrogates([]byte(`"\ud800"`)); aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("a lone surrogate as the whole body: %v", err)
	}
}

func TestJSONWithWholeCharactersPasses(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"name":"Acme"}`,
		`{"name":"\ud83d\ude00 smile"}`,
		`{"name":"😀"}`,
		`{"name":"\uD83D\uDE00","x":["\u00e9","\uFFFD"]}`,
		`{"name":"\\ud800"}`,
		`{"name":"\\\\ud800"}`,
		`{"name":"\u0041\u0042"}`,
	} {
		if err := aims.CheckJSONSurrogates([]byte(body)); err != nil {
			t.Errorf("CheckJSONSurrogates(%s) = %v", body, err)
		}
	}
}

// FuzzCheckJSONSurrogates feeds arbitrary bytes to CheckJSONSurrogates: it must never panic, fail only with
// EINVALID, and pass any JSON whose strings hold no escape of a surrogate.
func FuzzCheckJSONSurrogates(f *testing.F) {
	for _, seed := range []string{`{"name":"\ud800"}`, `{"a":{"b":["\udc00"]}}`, `"\ud83d\ude00"`, `{"x":"\\ud800"}`, `"\ud8`, `"\`, `{"a":"\u`, `}]"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := aims.CheckJSONSurrogates(data)
		if err != nil && aims.ErrorCode(err) != aims.EINVALID {
			t.Fatalf("CheckJSONSurrogates(%q) = %v", data, err)
		}
		if err != nil && !bytes.Contains(bytes.ToLower(data), []byte(`\ud`)) {
			t.Fatalf("CheckJSONSurrogates(%q) refused JSON without a surrogate escape: %v", data, err)
		}
	})
}
