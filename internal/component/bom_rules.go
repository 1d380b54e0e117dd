package component

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"time"
)

// BOMMatcher finds the stored component a BOM component stands for, which is the rule of a BOM import: by
// bom-ref with the same kind and name, else by kind, name and component version. A bom-ref match that
// disagrees with the name match loses to it (a bom-ref reused for another component in a later BOM).
type BOMMatcher struct {
	byRef map[matchKey]*Component // kind, bom-ref, name
	byKey map[matchKey]*Component // kind, name, component version
}

// matchKey is three of a component's fields (a struct, so that no key is built for a lookup).
type matchKey struct{ a, b, c string }

func refKey(c *Component) matchKey  { return matchKey{c.Kind, c.BOMRef, c.Name} }
func nameKey(c *Component) matchKey { return matchKey{c.Kind, c.Name, c.ComponentVersion} }

// NewBOMMatcher returns an empty matcher sized for about n components.
func NewBOMMatcher(n int) *BOMMatcher {
	return &BOMMatcher{byRef: make(map[matchKey]*Component, n), byKey: make(map[matchKey]*Component, n)}
}

// Add makes c a component later ones may match: a stored candidate, or one the import creates.
func (m *BOMMatcher) Add(c *Component) {
	if c.BOMRef != "" {
		m.byRef[refKey(c)] = c
	}
	m.byKey[nameKey(c)] = c
}

// Match returns the component c stands for, or nil when the import creates it.
func (m *BOMMatcher) Match(c *Component) *Component {
	byKey := m.byKey[nameKey(c)]
	if c.BOMRef != "" {
		if old := m.byRef[refKey(c)]; old != nil && (old == byKey || byKey == nil) {
			return old
		}
	}
	return byKey
}

// MergeFromBOM applies the BOM's component c to the stored one old, which is the merge rule of an
// import: kind, name, version and bom-ref become the BOM's; supplier, licence and description too where
// the BOM gives them; details are merged key by key, the BOM's winning. It reports whether old changed,
// and then raises its version and sets its update time to now.
func MergeFromBOM(old, c *Component, now time.Time) (bool, error) {
	details, same, err := mergeDetails(old.Details, c.Details)
	if err != nil {
		return false, err
	}
	next := *old
	next.Kind, next.Name, next.ComponentVersion, next.BOMRef = c.Kind, c.Name, c.ComponentVersion, c.BOMRef
	if c.Supplier != "" {
		next.Supplier = c.Supplier
	}
	if c.Licence != "" {
		next.Licence = c.Licence
	}
	if c.Description != "" {
		next.Description = c.Description
	}
	if same && next.Kind == old.Kind && next.Name == old.Name && next.ComponentVersion == old.ComponentVersion &&
		next.BOMRef == old.BOMRef && next.Supplier == old.Supplier && next.Licence == old.Licence &&
		next.Description == old.Description {
		return false, nil
	}
	next.Details = details
	next.Version = old.Version + 1
	next.UpdatedAt = now.UTC()
	*old = next
	return true, nil
}

// mergeDetails returns old's details overlaid with new's, and whether that is what old holds already
// (then old is returned as it is).
func mergeDetails(old, new json.RawMessage) (json.RawMessage, bool, error) {
	if len(old) > 0 && bytes.Equal(old, new) {
		return old, true, nil // the common case of a BOM imported again
	}
	var b map[string]any
	if err := json.Unmarshal(new, &b); err != nil {
		return nil, false, fmt.Errorf("cannot read component details: %w", err)
	}
	if len(b) == 0 {
		return old, true, nil
	}
	var a map[string]any
	if err := json.Unmarshal(old, &a); err != nil || a == nil {
		a = map[string]any{}
	}
	same := true
	for k, v := range b {
		if w, ok := a[k]; !ok || !reflect.DeepEqual(v, w) {
			same = false
			break
		}
	}
	if same {
		return old, true, nil
	}
	maps.Copy(a, b)
	merged, err := json.Marshal(a)
	return merged, false, err
}
