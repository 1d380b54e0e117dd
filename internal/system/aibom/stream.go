package aibom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// streamed names the top-level arrays that hold almost all of a large BOM and
// the schema definition of their items. parse validates and decodes them one
// item at a time, so that neither a generic JSON tree nor a CycloneDX value
// of the whole document is ever in memory: only the input bytes, the
// inventory being built and the few items in flight.
var streamed = map[string]string{
	"components":   "component",
	"services":     "service",
	"dependencies": "dependency",
}

// item is one element of a streamed array and what was made of it.
type item struct {
	raw    []byte
	issues []Issue
	more   bool   // more issues than kept
	hash   uint64 // of the JSON value, equal for equal values, for uniqueItems
	comps  []Component
	dep    *Dependency
	err    error // not an issue of the document: a failure of the validator
	derr   error // the CycloneDX library could not decode a valid item
}

// parser validates one document and, when decode is set, converts it to an
// Inventory.
type parser struct {
	schemas *schemaSet
	data    []byte
	decode  bool
	seed    maphash.Seed
}

// parse validates data against the CycloneDX 1.6 schema, item by item for the
// streamed arrays and as a whole for the rest, and returns its inventory
// (nil when decode is false). The verdict is the same as validating the
// whole document at once, except that duplicate items are compared by their
// canonical JSON encoding.
func parse(schemas *schemaSet, data []byte, decode bool) (*Inventory, error) {
	p := &parser{schemas: schemas, data: data, decode: decode, seed: maphash.MakeSeed()}
	return p.run()
}

func (p *parser) run() (*Inventory, error) {
	// The decoder checks the syntax as it goes; its errors carry the offset
	// into data.
	dec := json.NewDecoder(bytes.NewReader(p.data))
	dec.UseNumber()
	switch tok, err := dec.Token(); {
	case err != nil:
		return nil, p.syntax(err)
	case tok != json.Delim('{'):
		return nil, &InvalidError{Issues: []Issue{{Pointer: "", Message: "a CycloneDX BOM must be a JSON object"}}}
	}
	rest := map[string]any{}
	arrays := map[string][]*item{}
	var dupKeys []Issue
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, p.syntax(err)
		}
		key, _ := tok.(string)
		if _, ok := rest[key]; ok {
			dupKeys = append(dupKeys, Issue{Pointer: pointer([]string{key}), Message: "the member appears more than once"})
		}
		if def, ok := streamed[key]; ok && p.peek(dec.InputOffset()) == '[' {
			items, err := p.array(dec, key, def)
			if err != nil {
				return nil, err
			}
			arrays[key] = items
			rest[key] = []any{}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, p.syntax(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, p.syntax(err)
		}
		rest[key] = v
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, p.syntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, p.syntax(err)
	}
	if v, ok := rest["specVersion"].(string); ok && v != "1.5" && v != "1.6" {
		return nil, &InvalidError{Issues: []Issue{{Pointer: "/specVersion",
			Message: fmt.Sprintf("unsupported specVersion %q: want 1.5 or 1.6", v)}}}
	}
	var issues []Issue
	more := false
	if err := p.schemas.bom.Validate(rest); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("cannot validate CycloneDX BOM: %w", err)
		}
		issues = append(issues, issuesFrom(ve).Issues...)
	}
	issues = append(issues, dupKeys...)
	for _, key := range []string{"components", "services", "dependencies"} {
		seen := map[uint64][]int{}
		for i, it := range arrays[key] {
			if it.err != nil {
				return nil, fmt.Errorf("cannot validate CycloneDX BOM: %w", it.err)
			}
			issues = append(issues, it.issues...)
			more = more || it.more
			dup := -1
			for _, j := range seen[it.hash] {
				if sameJSON(arrays[key][j].raw, it.raw) {
					dup = j
					break
				}
			}
			if dup >= 0 {
				issues = append(issues, Issue{Pointer: pointer([]string{key}), Message: fmt.Sprintf("items at %d and %d are equal", dup, i)})
			} else {
				seen[it.hash] = append(seen[it.hash], i)
			}
		}
	}
	if len(issues) > 0 {
		e := collect(issues)
		e.Truncated = e.Truncated || more
		return nil, e
	}
	if !p.decode {
		return nil, nil
	}
	return p.inventory(rest, arrays)
}

// inventory assembles the Inventory from the document's top-level members
// and the converted items, then makes up the missing bom-refs in document
// order (subject, components, services) so that they are stable.
func (p *parser) inventory(rest map[string]any, arrays map[string][]*item) (*Inventory, error) {
	head, err := json.Marshal(rest)
	if err != nil {
		return nil, fmt.Errorf("cannot encode BOM header: %w", err)
	}
	var bom cdx.BOM
	if err := json.Unmarshal(head, &bom); err != nil {
		// The schema accepted it, so this is a disagreement between the
		// schema and the library; report it as invalid input all the same.
		return nil, &InvalidError{Issues: []Issue{{Pointer: "", Message: "cannot decode BOM: " + err.Error()}}}
	}
	inv := &Inventory{Metadata: Metadata{
		SpecVersion:  bom.SpecVersion.String(),
		SerialNumber: bom.SerialNumber,
		Version:      bom.Version,
	}}
	refs := newRefMaker()
	if m := bom.Metadata; m != nil {
		inv.Metadata.Timestamp = m.Timestamp
		inv.Metadata.Manufacturer = orgName(m.Manufacturer)
		if inv.Metadata.Manufacturer == "" {
			inv.Metadata.Manufacturer = orgName(m.Manufacture)
		}
		inv.Metadata.Supplier = orgName(m.Supplier)
		if m.Component != nil {
			c := fromComponent(m.Component, refs)
			inv.Metadata.Subject = &c
		}
	}
	n := 0
	for _, key := range []string{"components", "services"} {
		for _, it := range arrays[key] {
			n += len(it.comps)
		}
	}
	if n > 0 {
		inv.Components = make([]Component, 0, n)
	}
	for _, key := range []string{"components", "services"} {
		for _, it := range arrays[key] {
			if it.derr != nil {
				return nil, &InvalidError{Issues: []Issue{{Pointer: "", Message: "cannot decode BOM: " + it.derr.Error()}}}
			}
			for _, c := range it.comps {
				if c.BOMRef == "" {
					c.BOMRef = refs.ref("", c.Type, c.Group, c.Name)
				}
				inv.Components = append(inv.Components, c)
			}
		}
	}
	for _, it := range arrays["dependencies"] {
		if it.derr != nil {
			return nil, &InvalidError{Issues: []Issue{{Pointer: "", Message: "cannot decode BOM: " + it.derr.Error()}}}
		}
		if it.dep != nil {
			inv.Dependencies = append(inv.Dependencies, *it.dep)
		}
	}
	return inv, nil
}

// array reads the array under key item by item and hands each item to a
// pool of workers that validate it against the schema definition def and,
// when decoding, convert it. At most a few items are in flight at a time.
func (p *parser) array(dec *json.Decoder, key, def string) ([]*item, error) {
	if _, err := dec.Token(); err != nil { // [
		return nil, p.syntax(err)
	}
	sch := p.schemas.items[def]
	workers := max(1, runtime.GOMAXPROCS(0))
	// Items go to the workers in batches of about 64 KiB: a BOM may hold
	// hundreds of thousands of small items, and one channel operation per
	// item would cost more than validating it.
	type batch struct {
		first int
		items []*item
	}
	jobs := make(chan batch, workers*2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				for k, it := range b.items {
					p.item(key, b.first+k, it, sch)
				}
			}
		}()
	}
	var items []*item
	var err error
	cur, size := batch{}, 0
	for dec.More() {
		// skip reads the item without copying it; raw is the input's own
		// bytes between the offsets before and after it.
		start := dec.InputOffset()
		if err = dec.Decode(&skip{}); err != nil {
			break
		}
		raw := bytes.TrimLeft(p.data[start:dec.InputOffset()], " \t\r\n,")
		it := &item{raw: raw}
		if len(cur.items) == 0 {
			cur.first = len(items)
		}
		cur.items = append(cur.items, it)
		items = append(items, it)
		if size += len(raw); size >= 64<<10 {
			jobs <- cur
			cur, size = batch{}, 0
		}
	}
	if len(cur.items) > 0 {
		jobs <- cur
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, p.syntax(err)
	}
	if _, err := dec.Token(); err != nil { // ]
		return nil, p.syntax(err)
	}
	return items, nil
}

// item validates and converts one element; it frees the element's bytes,
// generic tree and CycloneDX value before it returns.
func (p *parser) item(key string, i int, it *item, sch *jsonschema.Schema) {
	raw := it.raw // a slice of the input, kept for uniqueItems
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		it.err = err
		return
	}
	if err := sch.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			it.err = err
			return
		}
		base := "/" + key + "/" + strconv.Itoa(i)
		ie := issuesFrom(ve)
		for _, is := range ie.Issues {
			is.Pointer = base + is.Pointer
			it.issues = append(it.issues, is)
		}
		it.more = ie.Truncated
	}
	it.hash = hashJSON(p.seed, v)
	if !p.decode || len(it.issues) > 0 {
		return
	}
	switch key {
	case "components":
		var c cdx.Component
		if it.derr = json.Unmarshal(raw, &c); it.derr == nil {
			var walk func(*cdx.Component)
			walk = func(c *cdx.Component) {
				it.comps = append(it.comps, fromComponent(c, nil))
				if c.Components != nil {
					for j := range *c.Components {
						walk(&(*c.Components)[j])
					}
				}
			}
			walk(&c)
		}
	case "services":
		var s cdx.Service
		if it.derr = json.Unmarshal(raw, &s); it.derr == nil {
			var walk func(*cdx.Service)
			walk = func(s *cdx.Service) {
				it.comps = append(it.comps, fromService(s, nil))
				if s.Services != nil {
					for j := range *s.Services {
						walk(&(*s.Services)[j])
					}
				}
			}
			walk(&s)
		}
	case "dependencies":
		var d cdx.Dependency
		if it.derr = json.Unmarshal(raw, &d); it.derr == nil {
			dep := Dependency{Ref: d.Ref}
			if d.Dependencies != nil && len(*d.Dependencies) > 0 {
				dep.DependsOn = append([]string(nil), *d.Dependencies...)
			}
			it.dep = &dep
		}
	}
}

// peek returns the first byte of the value that starts after the member
// name ending at off, skipping white space and the colon.
func (p *parser) peek(off int64) byte {
	for i := int(off); i < len(p.data); i++ {
		switch c := p.data[i]; c {
		case ' ', '\t', '\n', '\r', ':':
		default:
			return c
		}
	}
	return 0
}

// syntax reports the syntax error err of the decoder. Its offset is where
// the decoder stopped, which can be before the offending character, so
// the document is scanned again (on this error path only) for the exact one.
func (p *parser) syntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) || err == nil {
		if exact := json.Unmarshal(p.data, new(struct{})); exact != nil && errors.As(exact, &se) {
			err = exact
		} else if err == nil {
			err = errors.New("invalid character after the end of the BOM")
		}
	}
	return &InvalidError{Issues: []Issue{{Pointer: "", Message: syntaxMessage(p.data, err)}}}
}

// skip decodes a JSON value into nothing.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// hashJSON hashes the generic JSON value v so that values equal as JSON
// Schema's uniqueItems sees them hash the same: object members are combined
// in any order, numbers by their value.
func hashJSON(seed maphash.Seed, v any) uint64 {
	switch x := v.(type) {
	case map[string]any:
		var sum uint64
		for k, e := range x {
			sum += mix(maphash.String(seed, k) ^ mix(hashJSON(seed, e)))
		}
		return mix(sum ^ uint64(len(x)) ^ 0x6f626a)
	case []any:
		h := uint64(0x617272 + len(x))
		for _, e := range x {
			h = mix(h ^ hashJSON(seed, e))
		}
		return h
	case string:
		return maphash.String(seed, x)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return mix(math.Float64bits(f) ^ 0x6e756d)
		}
		return maphash.String(seed, string(x))
	case bool:
		if x {
			return 0x74727565
		}
		return 0x66616c73
	}
	return 0x6e756c6c
}

// mix is the finalizer of SplitMix64: it spreads every input bit over the
// output, so that sums of mixed hashes do not cancel out.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// sameJSON reports whether the JSON texts a and b hold equal values; it is
// asked only when their hashes match.
func sameJSON(a, b []byte) bool {
	va, err := jsonschema.UnmarshalJSON(bytes.NewReader(a))
	if err != nil {
		return false
	}
	vb, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return false
	}
	return equalJSON(va, vb)
}

func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			f, ok := y[k]
			if !ok || !equalJSON(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, ex := x.Float64()
		fy, ey := y.Float64()
		if ex == nil && ey == nil {
			return fx == fy
		}
		return x == y
	}
	return a == b
}
