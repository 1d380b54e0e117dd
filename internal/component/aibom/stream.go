package aibom

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"

	"math"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

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
	err    error // errSyntax, or a failure of the validator (not an issue of the document)
}

// parser reads one document and, when validate is set, validates it; when decode is set, it converts it
// to an Inventory.
type parser struct {
	schemas  *schemaSet
	data     []byte
	validate bool
	decode   bool
	workers  int // goroutines that read the items of an array
	seed     maphash.Seed
	limits   Limits
	// comps counts the components and services read so far, nested ones included (by the workers);
	// over is set once it passes limits.Components, so that the reading stops.
	comps atomic.Int64
	over  atomic.Bool
	// top counts the top-level items of the components and services arrays read before the current one.
	top int
}

// parse validates data against the CycloneDX 1.6 schema (when validate is set), item by item for the
// streamed arrays and as a whole for the rest, and returns its inventory (nil when decode is false). The
// verdict is the same as validating the whole document at once, except that duplicate items are compared
// by their canonical JSON encoding. Without validate, only a document that is not JSON or has an
// unsupported specVersion is refused, and the inventory is what it would be with validate for a valid
// document (see Document).
func parse(schemas *schemaSet, data []byte, validate, decode bool) (*Inventory, error) {
	return parseOn(schemas, data, validate, decode, runtime.GOMAXPROCS(0), Limits{})
}

// parseOn is parse with the items read by workers goroutines, refusing a document over limits with a
// *TooManyError as soon as the count passes them.
func parseOn(schemas *schemaSet, data []byte, validate, decode bool, workers int, limits Limits) (*Inventory, error) {
	p := &parser{schemas: schemas, data: data, validate: validate, decode: decode, workers: max(1, workers),
		seed: maphash.MakeSeed(), limits: limits}
	return p.run()
}

// tooMany returns the *TooManyError of key's array when it holds n top-level items, or its items with
// the nested ones were found to pass the limit, and nil otherwise.
func (p *parser) tooMany(key string, n int) error {
	switch key {
	case "components", "services":
		if max := p.limits.Components; max > 0 && (p.over.Load() || p.top+n > max) {
			return &TooManyError{What: "components", Limit: max}
		}
	case "dependencies":
		if max := p.limits.Dependencies; max > 0 && n > max {
			return &TooManyError{What: "dependencies", Limit: max}
		}
	}
	return nil
}

// countComponents adds the component or service v, with those nested in it, to the count, and marks the
// count over the limit when it passes it.
func (p *parser) countComponents(key string, v any) {
	if p.limits.Components <= 0 || (key != "components" && key != "services") {
		return
	}
	var count func(any) int64
	count = func(v any) int64 {
		n := int64(1)
		if o, ok := v.(map[string]any); ok {
			if kids, ok := o[key].([]any); ok {
				for _, k := range kids {
					n += count(k)
				}
			}
		}
		return n
	}
	if p.comps.Add(count(v)) > int64(p.limits.Components) {
		p.over.Store(true)
	}
}

func (p *parser) run() (*Inventory, error) {
	r := &treeReader{data: p.data, depth: 1, keys: p.schemas.keys}
	r.space()
	if r.off >= len(p.data) || p.data[r.off] != '{' {
		if _, err := readTree(p.data); err != nil && (r.off >= len(p.data) || p.data[r.off] != '[') {
			return nil, p.syntax(err)
		}
		return nil, &InvalidError{Issues: []Issue{{Pointer: "", Message: "a CycloneDX BOM must be a JSON object"}}}
	}
	r.off++
	rest := map[string]any{}
	arrays := map[string][]*item{}
	var dupKeys []Issue
	for first := true; ; first = false {
		r.space()
		if first && r.off < len(p.data) && p.data[r.off] == '}' {
			r.off++
			break
		}
		if r.off >= len(p.data) || p.data[r.off] != '"' {
			return nil, p.syntax(errSyntax)
		}
		key, err := r.string()
		if err != nil {
			return nil, p.syntax(err)
		}
		if r.space(); r.off >= len(p.data) || p.data[r.off] != ':' {
			return nil, p.syntax(errSyntax)
		}
		r.off++
		if _, ok := rest[key]; ok {
			dupKeys = append(dupKeys, Issue{Pointer: pointer([]string{key}), Message: "the member appears more than once"})
		}
		if r.space(); r.off < len(p.data) && p.data[r.off] == '[' && streamed[key] != "" {
			items, end, err := p.array(key, streamed[key], r.off)
			if err != nil {
				return nil, err
			}
			arrays[key], rest[key], r.off = items, []any{}, end
		} else {
			v, err := r.value()
			if err != nil {
				return nil, p.syntax(err)
			}
			rest[key] = v
		}
		if r.space(); r.off < len(p.data) && p.data[r.off] == ',' {
			r.off++
			continue
		}
		if r.off < len(p.data) && p.data[r.off] == '}' {
			r.off++
			break
		}
		return nil, p.syntax(errSyntax)
	}
	if r.space(); r.off != len(p.data) {
		return nil, p.syntax(errSyntax)
	}
	// A syntax error in any item makes the document not JSON, whatever else is wrong with it.
	for _, items := range arrays {
		for _, it := range items {
			if errors.Is(it.err, errSyntax) {
				return nil, p.syntax(it.err)
			}
		}
	}
	if v, ok := rest["specVersion"].(string); ok && v != "1.5" && v != "1.6" {
		return nil, &InvalidError{Issues: []Issue{{Pointer: "/specVersion",
			Message: fmt.Sprintf("unsupported specVersion %q: want 1.5 or 1.6", v)}}}
	}
	if !p.validate {
		for _, items := range arrays {
			for _, it := range items {
				if it.err != nil {
					return nil, fmt.Errorf("cannot read CycloneDX BOM: %w", it.err)
				}
			}
		}
		return p.inventory(rest, arrays), nil
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
	return p.inventory(rest, arrays), nil
}

// inventory assembles the Inventory from the document's top-level members and the converted items,
// then makes up the missing bom-refs in document order (subject, components, services) so that they
// are stable.
func (p *parser) inventory(rest map[string]any, arrays map[string][]*item) *Inventory {
	refs := newRefMaker()
	inv := &Inventory{Metadata: metadataOf(rest, refs)}
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
			for _, c := range it.comps {
				if c.BOMRef == "" {
					c.BOMRef = refs.ref("", c.Type, c.Group, c.Name)
				}
				inv.Components = append(inv.Components, c)
			}
			it.comps = nil
		}
	}
	if deps := arrays["dependencies"]; len(deps) > 0 {
		inv.Dependencies = make([]Dependency, 0, len(deps))
	}
	for _, it := range arrays["dependencies"] {
		if it.dep != nil {
			inv.Dependencies = append(inv.Dependencies, *it.dep)
		}
	}
	return inv
}

// array reads the array that starts at off, under key, item by item and hands each item to a pool of
// workers that read, validate it against the schema definition def and, when decoding, convert it. The
// items are only delimited here (see skipValue); the workers check their syntax. It returns the items
// and the offset after the array.
func (p *parser) array(key, def string, off int) ([]*item, int, error) {
	off++ // [
	sch := p.schemas.items[def]
	workers := p.workers
	// Items go to the workers in batches of about 64 KiB: a BOM may hold hundreds of thousands of small
	// items, and one channel operation per item would cost more than validating it.
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
	for {
		off = skipSpace(p.data, off)
		if len(items) == 0 && off < len(p.data) && p.data[off] == ']' {
			off++
			break
		}
		// The top-level items alone, or with what the workers found nested in them, may pass a limit:
		// then the rest of the document is not read.
		if err = p.tooMany(key, len(items)+1); err != nil {
			break
		}
		var end int
		if end, err = skipValue(p.data, off); err != nil {
			break
		}
		it := &item{raw: p.data[off:end]}
		if len(cur.items) == 0 {
			cur.first = len(items)
		}
		cur.items = append(cur.items, it)
		items = append(items, it)
		if size += end - off; size >= 64<<10 {
			jobs <- cur
			cur, size = batch{}, 0
		}
		if off = skipSpace(p.data, end); off < len(p.data) && p.data[off] == ',' {
			off++
			continue
		}
		if off < len(p.data) && p.data[off] == ']' {
			off++
			break
		}
		err = errSyntax
		break
	}
	if len(cur.items) > 0 {
		jobs <- cur
	}
	close(jobs)
	wg.Wait()
	var tm *TooManyError
	if errors.As(err, &tm) {
		return nil, 0, err
	}
	if err != nil {
		return nil, 0, p.syntax(err)
	}
	if key == "components" || key == "services" {
		p.top += len(items)
	}
	if err := p.tooMany(key, 0); err != nil {
		return nil, 0, err
	}
	return items, off, nil
}

func skipSpace(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\n', '\r':
			off++
		default:
			return off
		}
	}
	return off
}

// item reads, validates and converts one element; nothing of it but its bytes (a slice of the input,
// kept for uniqueItems) and what was made of it outlives the call.
func (p *parser) item(key string, i int, it *item, sch *jsonschema.Schema) {
	// An item is at depth 2 of the document: in the top-level object and its array.
	r := &treeReader{data: it.raw, depth: 2, keys: p.schemas.keys}
	v, err := r.value()
	if err == nil && r.off != len(it.raw) {
		err = errSyntax
	}
	if err != nil {
		it.err = err
		return
	}
	p.countComponents(key, v)
	if p.validate {
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
	}
	if !p.decode || len(it.issues) > 0 {
		return
	}
	o, _ := v.(map[string]any)
	switch key {
	case "components":
		var walk func(object)
		walk = func(c object) {
			it.comps = append(it.comps, componentOf(c, nil))
			objects(c, "components", walk)
		}
		walk(o)
	case "services":
		var walk func(object)
		walk = func(s object) {
			it.comps = append(it.comps, serviceOf(s, nil))
			objects(s, "services", walk)
		}
		walk(o)
	case "dependencies":
		it.dep = &Dependency{Ref: str(o, "ref"), DependsOn: strList(o, "dependsOn")}
	}
}

// syntax reports that the document is not JSON. The tree reader only knows that, so the document is
// scanned again by encoding/json (on this error path only) for the exact message and position.
func (p *parser) syntax(err error) error {
	var se *json.SyntaxError
	if errors.Is(err, errSyntax) || errors.As(err, &se) || err == nil {
		if exact := json.Unmarshal(p.data, new(struct{})); exact != nil && errors.As(exact, &se) {
			err = exact
		} else if exact := json.Unmarshal(p.data, new(any)); exact != nil {
			err = exact
		} else {
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
	va, err := readTree(a)
	if err != nil {
		return false
	}
	vb, err := readTree(b)
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
