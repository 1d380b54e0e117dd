package component

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
)

func TestComponentFieldsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		f       ComponentFields
		field   string
		mention string
		details string
	}{
		{f: ComponentFields{Kind: "model", Name: " M ", Details: json.RawMessage(`{"base_model":" B ","training_data":""}`)}, details: `{"base_model":"B"}`},
		{f: ComponentFields{Kind: "other", Name: "X", Details: json.RawMessage(`null`)}, details: `{}`},
		{f: ComponentFields{Kind: "tool", Name: "X"}, details: `{}`},
		{f: ComponentFields{Kind: "robot", Name: "X"}, field: "kind"},
		{f: ComponentFields{Kind: "model", Name: ""}, field: "name"},
		{f: ComponentFields{Kind: "model", Name: "X", Details: json.RawMessage(`[1]`)}, field: "details", mention: "JSON object"},
		{f: ComponentFields{Kind: "service", Name: "X", Details: json.RawMessage(`{"zeta":"1","alpha":"2","endpoint":"x"}`)}, field: "details", mention: "alpha, zeta"},
		{f: ComponentFields{Kind: "other", Name: "X", Details: json.RawMessage(`{"a":"1"}`)}, field: "details", mention: "known: none"},
		{f: ComponentFields{Kind: "dataset", Name: "X", Details: json.RawMessage(`{"source":3}`)}, field: "details", mention: "details.source"},
	} {
		var c Component
		err := tc.f.apply(&c)
		if got := aims.ErrorField(err); got != tc.field || !strings.Contains(aims.ErrorMessage(err), tc.mention) {
			t.Errorf("%+v: error %v (field %q), want field %q mentioning %q", tc.f, err, got, tc.field, tc.mention)
		}
		if err == nil && (string(c.Details) != tc.details || strings.TrimSpace(c.Name) != c.Name) {
			t.Errorf("%+v: stored %+v (details %s)", tc.f, c, c.Details)
		}
	}
}
