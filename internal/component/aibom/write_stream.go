package aibom

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Stream is what WriteStream writes: the components of an export and the dependencies between them,
// handed over one at a time, so that neither they nor the document need be held whole.
type Stream struct {
	// Components calls yield with every component of the export in order, those of TypeService when
	// services is set and the others when not, and returns yield's first error. WriteStream calls it
	// twice for each (to validate, then to write); each call must hand over the same components.
	Components func(services bool, yield func(*Component) error) error
	// Refs calls yield with the bom-ref of every component, in the order the system depends on them,
	// and returns yield's first error. Nil: those of the components, then those of the services.
	Refs func(yield func(string) error) error
	// Dependencies calls yield with every dependency between the components in order and returns
	// yield's first error; WriteStream calls it twice (to validate, then to write). Nil: none.
	Dependencies func(yield func(*Dependency) error) error
}

// WriteStream writes the components of s as a CycloneDX 1.6 JSON ML-BOM for the AI system described by
// meta, as Write writes an inventory of s's components whose dependencies are s's followed by the
// system's dependency on every component (in the order of s.Refs), when there is any component.
// Each component and dependency of s is validated against its CycloneDX 1.6 schema definition, and the
// rest of the document as a whole (but for the system's dependency, a list of bom-refs), before anything
// is written to w: a value the schema refuses yields an
// *InvalidError (as Write's). Then the document is written as it is made, one item at a time: what is
// held is a few batches of items and a buffer, whatever the number of components. The items of the document's arrays
// are not compared with each other (the schema wants them unique): s must hand over components of
// distinct bom-refs, and dependencies of distinct refs. A failure of w leaves a partial document.
func WriteStream(w io.Writer, s Stream, meta ExportMeta) error {
	if meta.Name == "" {
		return errors.New("cannot export AIBOM: system name is required")
	}
	if s.Dependencies == nil {
		s.Dependencies = func(func(*Dependency) error) error { return nil }
	}
	if s.Refs == nil {
		s.Refs = func(yield func(string) error) error {
			for _, services := range []bool{false, true} {
				if err := s.Components(services, func(c *Component) error { return yield(c.BOMRef) }); err != nil {
					return err
				}
			}
			return nil
		}
	}
	schemas, err := compiled()
	if err != nil {
		return err
	}
	head, err := toBOM(&Inventory{}, meta, schemas.spdxIDs)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.Encode(head); err != nil {
		return fmt.Errorf("cannot encode AIBOM: %w", err)
	}
	if err := validate(schemas, buf.Bytes()); err != nil {
		return fmt.Errorf("cannot export AIBOM: %w", err)
	}
	sw := &streamWriter{schemas: schemas, meta: meta}
	if err := sw.check(s); err != nil {
		return err
	}
	// The document is the head without its closing brace, then the arrays.
	doc := bytes.TrimRight(buf.Bytes(), " \n")
	doc = doc[:len(doc)-1]
	doc = bytes.TrimRight(doc, " \n")
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(doc)
	sw.out = bw
	sw.enc = json.NewEncoder(bw)
	sw.enc.SetEscapeHTML(false)
	sw.enc.SetIndent("    ", "  ")
	if err := sw.write(s); err != nil {
		return err
	}
	bw.WriteString("\n}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cannot write AIBOM: %w", err)
	}
	return nil
}

// streamWriter validates and writes the items of a Stream.
type streamWriter struct {
	schemas *schemaSet
	meta    ExportMeta
	// comps and svcs count the components that go to the components and the services array.
	comps, svcs int
	out         *bufio.Writer
	enc         *json.Encoder
}

// item is the CycloneDX value of c and the array it goes to.
func (sw *streamWriter) item(c *Component) (any, string, error) {
	if c.Type == TypeService {
		return toService(c, sw.schemas.spdxIDs), "services", nil
	}
	cc, err := toComponent(c, sw.schemas.spdxIDs)
	return cc, "components", err
}

// check validates every item of s, counting the components and services, and returns an
// *InvalidError with the issues found (the first maxIssues in the document's order). The items are
// encoded here and validated by a pool of workers meanwhile, a batch at a time: validating is most of
// the work, and reading the items (from a database) leaves the other cores idle.
func (sw *streamWriter) check(s Stream) error {
	type job struct {
		order int // the array: 0 components, 1 services, 2 dependencies
		i     int
		raw   []byte
	}
	type found struct {
		order, i int
		issues   *InvalidError
	}
	keys := [...]string{"components", "services", "dependencies"}
	defs := [...]string{"component", "service", "dependency"}
	var (
		mu     sync.Mutex
		issues []found
		failed error // a failure of the validator, not an issue of the document
	)
	jobs := make(chan []job, 4)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				for _, j := range batch {
					r := &treeReader{data: j.raw, depth: 2, keys: sw.schemas.keys}
					tree, err := r.value()
					if err == nil {
						err = sw.schemas.items[defs[j.order]].Validate(tree)
					}
					if err == nil {
						continue
					}
					mu.Lock()
					var ve *jsonschema.ValidationError
					if errors.As(err, &ve) {
						issues = append(issues, found{j.order, j.i, issuesFrom(ve)})
					} else if failed == nil {
						failed = fmt.Errorf("cannot validate AIBOM: %w", err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	var batch []job
	size := 0
	add := func(order, i int, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("cannot encode AIBOM: %w", err)
		}
		batch = append(batch, job{order, i, raw})
		if size += len(raw); size >= 64<<10 {
			jobs <- batch
			batch, size = nil, 0
		}
		return nil
	}
	err := func() error {
		for _, services := range []bool{false, true} {
			err := s.Components(services, func(c *Component) error {
				v, key, err := sw.item(c)
				if err != nil {
					return err
				}
				if (key == "services") != services {
					return fmt.Errorf("cannot export AIBOM: %s handed over with the wrong kind", c.BOMRef)
				}
				if services {
					sw.svcs++
					return add(1, sw.svcs-1, v)
				}
				sw.comps++
				return add(0, sw.comps-1, v)
			})
			if err != nil {
				return err
			}
		}
		deps := 0
		return s.Dependencies(func(d *Dependency) error {
			deps++
			return add(2, deps-1, cdx.Dependency{Ref: d.Ref, Dependencies: ptr(d.DependsOn)})
		})
	}()
	if len(batch) > 0 {
		jobs <- batch
	}
	close(jobs)
	wg.Wait()
	switch {
	case err != nil:
		return err
	case failed != nil:
		return failed
	case len(issues) == 0:
		return nil
	}
	slices.SortFunc(issues, func(a, b found) int { return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.i, b.i)) })
	ie := &InvalidError{}
	for _, f := range issues {
		for _, is := range f.issues.Issues {
			if len(ie.Issues) == maxIssues {
				ie.Truncated = true
				break
			}
			is.Pointer = "/" + keys[f.order] + "/" + strconv.Itoa(f.i) + is.Pointer
			ie.Issues = append(ie.Issues, is)
		}
		ie.Truncated = ie.Truncated || f.issues.Truncated
	}
	return fmt.Errorf("cannot export AIBOM: %w", ie)
}

// write writes the arrays of s to sw.out: components, services, dependencies.
func (sw *streamWriter) write(s Stream) error {
	for _, key := range []string{"components", "services"} {
		if sw.count(key) == 0 {
			continue
		}
		sw.open(key)
		n := 0
		err := s.Components(key == "services", func(c *Component) error {
			v, k, err := sw.item(c)
			if err != nil || k != key {
				return err
			}
			n++
			return sw.next(n, v)
		})
		if err != nil {
			return err
		}
		if want := sw.count(key); n != want {
			return fmt.Errorf("cannot export AIBOM: %d %s, %d when validated", n, key, want)
		}
		sw.close()
	}
	n := 0
	err := s.Dependencies(func(d *Dependency) error {
		if n == 0 {
			sw.open("dependencies")
		}
		n++
		return sw.next(n, cdx.Dependency{Ref: d.Ref, Dependencies: ptr(d.DependsOn)})
	})
	if err != nil {
		return err
	}
	if sw.comps+sw.svcs > 0 {
		// The system depends on every component: its refs are written as they come.
		if n == 0 {
			sw.open("dependencies")
		} else {
			sw.out.WriteString(",\n    ")
		}
		ref, _ := json.Marshal(sw.meta.systemRef())
		sw.out.WriteString(`{"ref": `)
		sw.out.Write(ref)
		sw.out.WriteString(`, "dependsOn": [`)
		k := 0
		err := s.Refs(func(ref string) error {
			if k > 0 {
				sw.out.WriteString(", ")
			}
			k++
			b, err := json.Marshal(ref)
			sw.out.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		sw.out.WriteString("]}")
		n++
	}
	if n > 0 {
		sw.close()
	}
	return nil
}

// count is how many items array key (components or services) holds, as check counted them.
func (sw *streamWriter) count(key string) int {
	if key == "services" {
		return sw.svcs
	}
	return sw.comps
}

func (sw *streamWriter) open(key string) {
	sw.out.WriteString(",\n  \"" + key + "\": [\n    ")
}

func (sw *streamWriter) close() { sw.out.WriteString("\n  ]") }

// next writes v, the n-th item of the open array.
func (sw *streamWriter) next(n int, v any) error {
	if n > 1 {
		sw.out.WriteString(",\n    ")
	}
	if err := sw.enc.Encode(v); err != nil {
		return fmt.Errorf("cannot write AIBOM: %w", err)
	}
	return nil
}
