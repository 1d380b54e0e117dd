package component_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/component"
)

// TestABOMComponentMatchesByRefThenByNameAndVersion: the matching rule of a BOM import, without a store.
func TestABOMComponentMatchesByRefThenByNameAndVersion(t *testing.T) {
	stored := &component.Component{ID: "a", Kind: "model", Name: "ranker", ComponentVersion: "2", BOMRef: "pkg:ranker"}
	other := &component.Component{ID: "b", Kind: "model", Name: "ranker", ComponentVersion: "3"}
	m := component.NewBOMMatcher(2)
	m.Add(stored)
	m.Add(other)
	for _, tc := range []struct {
		name string
		c    component.Component
		want *component.Component
	}{
		{"the same bom-ref, kind and name, another version", component.Component{Kind: "model", Name: "ranker", ComponentVersion: "2.1", BOMRef: "pkg:ranker"}, stored},
		{"no bom-ref: kind, name and version", component.Component{Kind: "model", Name: "ranker", ComponentVersion: "3"}, other},
		{"a bom-ref whose name match is another component: the name match wins", component.Component{Kind: "model", Name: "ranker", ComponentVersion: "3", BOMRef: "pkg:ranker"}, other},
		{"another kind", component.Component{Kind: "dataset", Name: "ranker", ComponentVersion: "2"}, nil},
		{"a new version without a bom-ref", component.Component{Kind: "model", Name: "ranker", ComponentVersion: "4"}, nil},
	} {
		if got := m.Match(&tc.c); got != tc.want {
			t.Errorf("%s: matched %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestABOMMergesIntoTheStoredComponent: the merge rule: the BOM's identity fields, its supplier, licence
// and description where it gives them, details merged key by key with the BOM's winning; nothing changed
// is no change (no new version).
func TestABOMMergesIntoTheStoredComponent(t *testing.T) {
	now := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	old := &component.Component{ID: "a", Kind: "model", Name: "ranker", ComponentVersion: "2", Supplier: "Acme", Licence: "MIT",
		Description: "Ranks CVs.", Details: json.RawMessage(`{"base_model":"x","model_card_url":"https://a"}`), Version: 3}
	same := *old
	changed, err := component.MergeFromBOM(&same, &component.Component{Kind: "model", Name: "ranker", ComponentVersion: "2", Details: json.RawMessage(`{"base_model":"x"}`)}, now)
	if err != nil || changed || same.Version != 3 || same.Supplier != "Acme" {
		t.Errorf("a BOM that says nothing new: changed %v (%v), %+v", changed, err, same)
	}
	changed, err = component.MergeFromBOM(old, &component.Component{Kind: "model", Name: "ranker", ComponentVersion: "2", BOMRef: "pkg:ranker",
		Licence: "Apache-2.0", Details: json.RawMessage(`{"base_model":"y"}`)}, now)
	if err != nil || !changed {
		t.Fatalf("a BOM with a new licence and base model: changed %v, %v", changed, err)
	}
	var d map[string]string
	if err := json.Unmarshal(old.Details, &d); err != nil {
		t.Fatal(err)
	}
	if old.Licence != "Apache-2.0" || old.Supplier != "Acme" || old.BOMRef != "pkg:ranker" || d["base_model"] != "y" ||
		d["model_card_url"] != "https://a" || old.Version != 4 || !old.UpdatedAt.Equal(now) {
		t.Errorf("merged: %+v with details %v", old, d)
	}
	if _, err := component.MergeFromBOM(old, &component.Component{Kind: "model", Name: "ranker", Details: json.RawMessage(`[1]`)}, now); err == nil {
		t.Error("details that are not an object were merged")
	}
}
