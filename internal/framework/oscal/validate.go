package oscal

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The official OSCAL 1.2.1 JSON schemas of catalogs and profiles, byte-identical to the release schemas
// (see ../../../testdata/SOURCES.md for their provenance).
//
//go:embed schemas/oscal_catalog_schema.json schemas/oscal_profile_schema.json
var schemaFiles embed.FS

// MaxProblems bounds how many schema problems an InvalidError reports; a badly broken file would
// otherwise produce thousands.
const MaxProblems = 25

// Problem is one way a document breaks its schema: where (a JSON pointer into the document, "" for the
// whole) and what.
type Problem struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// InvalidError is a document that is not JSON or does not validate against its OSCAL schema.
type InvalidError struct {
	Kind     string // "catalog" or "profile": the schema it was checked against ("" when it is not JSON)
	Problems []Problem
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	what := "OSCAL " + e.Kind
	if e.Kind == "" {
		what = "OSCAL JSON"
	}
	fmt.Fprintf(&b, "not a valid %s:", what)
	for _, p := range e.Problems {
		fmt.Fprintf(&b, " %s: %s;", pointerOrRoot(p.Pointer), p.Message)
	}
	return strings.TrimSuffix(b.String(), ";")
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}

// Validator checks documents against the embedded schemas. The zero value is ready; it compiles the
// schemas on first use (about a tenth of a second) and is safe for concurrent use.
type Validator struct {
	once    sync.Once
	catalog *jsonschema.Schema
	profile *jsonschema.Schema
	err     error
}

func (v *Validator) compile() {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range []string{"catalog", "profile"} {
		b, err := schemaFiles.ReadFile("schemas/oscal_" + name + "_schema.json")
		if err != nil {
			v.err = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			v.err = fmt.Errorf("oscal: the %s schema: %w", name, err)
			return
		}
		if err := c.AddResource("aims:oscal/"+name+".json", doc); err != nil {
			v.err = fmt.Errorf("oscal: the %s schema: %w", name, err)
			return
		}
	}
	if v.catalog, v.err = c.Compile("aims:oscal/catalog.json"); v.err != nil {
		return
	}
	v.profile, v.err = c.Compile("aims:oscal/profile.json")
}

// Parse validates data against the OSCAL catalog or profile schema (the profile schema when the document's
// one member is "profile") and returns the parsed document. A document that is not JSON or breaks the
// schema is an *InvalidError listing up to MaxProblems problems; nothing else is returned for it.
func (v *Validator) Parse(data []byte) (*Document, error) {
	v.once.Do(v.compile)
	if v.err != nil {
		return nil, v.err
	}
	if !utf8.Valid(data) {
		return nil, &InvalidError{Problems: []Problem{{Message: "The file is not UTF-8 text."}}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &InvalidError{Problems: []Problem{{Message: notJSON(data, err)}}}
	}
	kind, schema := "catalog", v.catalog
	if m, ok := inst.(map[string]any); ok {
		if _, isProfile := m["profile"]; isProfile {
			if _, isCatalog := m["catalog"]; !isCatalog {
				kind, schema = "profile", v.profile
			}
		}
	}
	if err := schema.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("oscal: cannot validate: %w", err)
		}
		return nil, &InvalidError{Kind: kind, Problems: problems(ve)}
	}
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		// The schema allows what the Go types cannot hold only where aims's types are narrower than OSCAL's;
		// say so rather than fail obscurely.
		return nil, &InvalidError{Kind: kind, Problems: []Problem{{Message: "aims cannot read this document: " + err.Error()}}}
	}
	return &doc, nil
}

// notJSON describes why data is not JSON, with the line and column where that shows.
func notJSON(data []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := position(data, syn.Offset)
		return fmt.Sprintf("The file is not JSON: %s (line %d, column %d).", syn.Error(), line, col)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "The file is not JSON: it ends before the JSON value does."
	}
	return "The file is not JSON: " + err.Error() + "."
}

func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// problems flattens a validation error's tree into its leaves, the specific failures, without repeats.
func problems(ve *jsonschema.ValidationError) []Problem {
	var out []Problem
	seen := map[Problem]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(out) >= MaxProblems {
			return
		}
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		p := Problem{Pointer: pointer(e.InstanceLocation), Message: e.BasicOutput().Error.String()}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	walk(ve)
	if len(out) == 0 {
		out = append(out, Problem{Pointer: pointer(ve.InstanceLocation), Message: ve.BasicOutput().Error.String()})
	}
	return out
}

// pointer returns the RFC 6901 JSON pointer of a path of member names and indices.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}

// ValidateCatalog checks an encoded catalog against the catalog schema, for tests of exports.
func (v *Validator) ValidateCatalog(data []byte) error {
	doc, err := v.Parse(data)
	if err != nil {
		return err
	}
	if doc.Catalog == nil {
		return &InvalidError{Kind: "catalog", Problems: []Problem{{Message: "not a catalog"}}}
	}
	return nil
}
