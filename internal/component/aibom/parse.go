package aibom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// TooLargeError is returned by Parse when the input exceeds the limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("CycloneDX BOM is larger than the limit of %d bytes", e.Limit)
}

// TooManyError is returned when a BOM holds more items of one kind than its Limits allow. The document
// is refused as soon as the count passes the limit: the rest is not read.
type TooManyError struct {
	What  string // "components" (components and services, nested ones included) or "dependencies"
	Limit int
}

func (e *TooManyError) Error() string {
	return fmt.Sprintf("CycloneDX BOM has more than the limit of %d %s", e.Limit, e.What)
}

// Limits bound what a Document is allowed to hold. A zero field sets no bound.
type Limits struct {
	// Components bounds the components and services, nested ones included.
	Components int
	// Dependencies bounds the entries of the dependencies array.
	Dependencies int
}

// GeneratedRefPrefix starts the bom-refs Parse makes up for components that
// have none.
const GeneratedRefPrefix = "aims-gen:"

// Parse reads a CycloneDX 1.5 or 1.6 JSON BOM of at most limit bytes,
// validates it and converts it to an Inventory. A longer input is refused
// with a *TooLargeError once limit+1 bytes have been read.
//
// Validation uses the CycloneDX 1.6 JSON schema for both versions: 1.6 is a
// superset of 1.5 and the 1.5 schema is not bundled, so a 1.5 document that
// uses a 1.6-only construct is accepted. Other specVersions are refused.
// A document that is not JSON or does not validate is refused with an
// *InvalidError listing JSON pointers and messages; nothing is returned.
//
// Memory and time: the input bytes are held (at most limit), but the components, services and
// dependencies arrays are read, validated and converted one item at a time on GOMAXPROCS goroutines (see
// parse), so no generic JSON tree of the whole document exists, and the items are read once, by a JSON
// reader made for the validator's values (jsontree.go), then converted from those same values
// (convert.go) rather than decoded again by the CycloneDX library. Measured with BenchmarkParse20MB (a
// synthetic 20 MB BOM of 62,000 components and 62,000 dependencies) on 2 cores: about 0.7 s and 790 MB
// allocated, where decoding each item twice with encoding/json took 3.4 s and 1.0 GB; schema validation
// is about two thirds of the CPU time. The peak heap, about 220 MiB, is about twice what is live (the
// input, the items and the inventory), as the garbage collector lets the heap grow.
func Parse(r io.Reader, limit int64) (*Inventory, error) {
	d, err := Read(r, limit)
	if err != nil {
		return nil, err
	}
	return parse(d.schemas, d.data, true, true)
}

// Sized returns r with the number of bytes it is expected to hold (an HTTP Content-Length, a file's size),
// so that Parse reads it into one buffer of that size where it would otherwise grow one by doubling, which
// for a 20 MB BOM took a quarter of a second. A wrong size costs only a regrown or larger buffer, never
// more than the limit given to Parse; n <= 0 leaves r as it is.
func Sized(r io.Reader, n int64) io.Reader {
	if n <= 0 {
		return r
	}
	return sized{r, n}
}

type sized struct {
	io.Reader
	n int64
}

func (s sized) Size() int64 { return s.n }

// SizeOf returns the number of bytes r holds when it knows (Sized, bytes.Reader, strings.Reader, a
// multipart.File held in memory), or 0.
func SizeOf(r io.Reader) int64 {
	switch x := r.(type) {
	case interface{ Size() int64 }:
		return x.Size()
	case interface{ Len() int }:
		return int64(x.Len())
	}
	return 0
}

// Document is a CycloneDX JSON BOM read into memory (see Read), to be validated and converted separately:
// an importer can then store a large BOM's inventory while its validation runs on another core, and
// commit only when Validate accepts it. Parse does both in one pass.
type Document struct {
	schemas *schemaSet
	data    []byte
	// Limits bound the items that Validate and Inventory accept: past them they stop reading and
	// return a *TooManyError. Zero (as Read leaves them) bounds nothing.
	Limits Limits
}

// Read reads a CycloneDX JSON BOM of at most limit bytes from r, refusing a longer one with a
// *TooLargeError; it neither validates nor converts it.
func Read(r io.Reader, limit int64) (*Document, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("cannot parse CycloneDX BOM: limit must be positive, got %d", limit)
	}
	data, err := readLimited(r, limit)
	if err != nil {
		return nil, err
	}
	schemas, err := compiled()
	if err != nil {
		return nil, err
	}
	return &Document{schemas: schemas, data: data}, nil
}

// Validate checks the document as Parse does: nil, an *InvalidError with the document's faults, or
// another error when the validator fails. It may run concurrently with Inventory, and leaves one core
// (of GOMAXPROCS) to the caller, which is meant to be storing the inventory meanwhile.
func (d *Document) Validate() error {
	_, err := parseOn(d.schemas, d.data, true, false, runtime.GOMAXPROCS(0)-1, d.Limits)
	return err
}

// Inventory converts the document without validating it: for a document that Validate accepts it is
// what Parse returns. A document that is not JSON, or names a specVersion other than 1.5 and 1.6, is
// refused with the *InvalidError Parse gives; any other document is converted as far as it goes (what
// the conversion does not recognize is left out), so the inventory must not be kept unless Validate
// accepts the document.
func (d *Document) Inventory() (*Inventory, error) {
	return parseOn(d.schemas, d.data, false, true, runtime.GOMAXPROCS(0), d.Limits)
}

// readLimited reads all of r, or refuses with a *TooLargeError past limit
// bytes. A reader that knows its size (see SizeOf) is read into one buffer
// of that size.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if n := SizeOf(r); n > 0 {
		buf.Grow(int(min(n, limit)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("cannot read CycloneDX BOM: %w", err)
	}
	if int64(buf.Len()) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return buf.Bytes(), nil
}

// validate checks data against the CycloneDX 1.6 schema the way Parse does.
func validate(schemas *schemaSet, data []byte) error {
	_, err := parse(schemas, data, true, false)
	return err
}

// syntaxMessage turns a JSON decoding error into a message with a line and
// column when the offset is known.
func syntaxMessage(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64 = -1
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "not JSON: unexpected end of input"
	}
	if off < 0 || off > int64(len(data)) {
		return "not JSON: " + err.Error()
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("not JSON: line %d, column %d: %v", line, col, err)
}

// refMaker makes stable bom-refs for components that have none: from the
// type, group and name (not the version, so a new version of a component
// keeps its ref), with a counter for duplicates.
type refMaker struct{ used map[string]int }

func newRefMaker() *refMaker { return &refMaker{used: map[string]int{}} }

func (m *refMaker) ref(given, typ, group, name string) string {
	if given != "" || m == nil {
		// A nil refMaker leaves missing refs empty, for a later pass.
		return given
	}
	base := GeneratedRefPrefix + typ + "/"
	if group != "" {
		base += group + "/"
	}
	base += name
	m.used[base]++
	if n := m.used[base]; n > 1 {
		return fmt.Sprintf("%s#%d", base, n)
	}
	return base
}

var typeFromCDX = map[cdx.ComponentType]string{
	cdx.ComponentTypeMachineLearningModel: TypeModel,
	cdx.ComponentTypeData:                 TypeDataset,
	cdx.ComponentTypeApplication:          TypeTool,
	cdx.ComponentTypeLibrary:              TypeLibrary,
	cdx.ComponentTypeFramework:            TypeLibrary,
}

// cdxFromType is the canonical CycloneDX type of each neutral type.
var cdxFromType = map[string]cdx.ComponentType{
	TypeModel:   cdx.ComponentTypeMachineLearningModel,
	TypeDataset: cdx.ComponentTypeData,
	TypeTool:    cdx.ComponentTypeApplication,
	TypeLibrary: cdx.ComponentTypeLibrary,
	TypeOther:   cdx.ComponentTypeFile,
}
