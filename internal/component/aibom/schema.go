package aibom

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The CycloneDX 1.6 JSON schema and the two schemas it references, copied
// from CycloneDX/specification. They are registered under their $id URLs so
// compiling never touches the network.
//
//go:embed schema/bom-1.6.schema.json schema/spdx.schema.json schema/jsf-0.82.schema.json
var schemaFS embed.FS

const (
	bomSchemaURL  = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	spdxSchemaURL = "http://cyclonedx.org/schema/spdx.schema.json"
	jsfSchemaURL  = "http://cyclonedx.org/schema/jsf-0.82.schema.json"
)

// maxIssues caps the schema errors an InvalidError reports.
const maxIssues = 50

// Issue is one reason a document is not a valid CycloneDX BOM.
type Issue struct {
	// Pointer is a JSON pointer (RFC 6901) to the offending value; "" is
	// the whole document.
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// InvalidError reports why a document was refused. Nothing of a refused
// document is returned.
type InvalidError struct {
	Issues []Issue
	// Truncated is set when there were more than the reported issues.
	Truncated bool
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	b.WriteString("invalid CycloneDX BOM")
	for i, is := range e.Issues {
		if i == 3 {
			fmt.Fprintf(&b, " (and %d more)", len(e.Issues)-3)
			break
		}
		sep := ": "
		if i > 0 {
			sep = "; "
		}
		p := is.Pointer
		if p == "" {
			p = "/"
		}
		fmt.Fprintf(&b, "%s%s: %s", sep, p, is.Message)
	}
	return b.String()
}

// compiled holds the compiled schema and the SPDX license ids. Both are
// immutable once built; they are built on first use and shared because
// compiling the 260 KB schema takes tens of milliseconds.
var compiled = sync.OnceValues(compileSchema)

type schemaSet struct {
	bom *jsonschema.Schema
	// items are the definitions of the items of the streamed arrays, by
	// definition name (see streamed).
	items   map[string]*jsonschema.Schema
	spdxIDs map[string]bool
	// keys are the names of the properties the schemas define, each mapped to itself (see treeReader).
	keys map[string]string
}

func compileSchema() (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseRegexpEngine(regexpEngine)
	var spdx any
	keys := map[string]string{}
	for url, name := range map[string]string{
		bomSchemaURL:  "schema/bom-1.6.schema.json",
		spdxSchemaURL: "schema/spdx.schema.json",
		jsfSchemaURL:  "schema/jsf-0.82.schema.json",
	} {
		raw, err := schemaFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read embedded schema %s: %w", name, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("cannot decode embedded schema %s: %w", name, err)
		}
		if url == spdxSchemaURL {
			spdx = doc
		}
		propertyNames(doc, keys)
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("cannot register schema %s: %w", url, err)
		}
	}
	sch, err := c.Compile(bomSchemaURL)
	if err != nil {
		return nil, fmt.Errorf("cannot compile CycloneDX schema: %w", err)
	}
	items := map[string]*jsonschema.Schema{}
	for _, def := range streamed {
		if items[def], err = c.Compile(bomSchemaURL + "#/definitions/" + def); err != nil {
			return nil, fmt.Errorf("cannot compile CycloneDX schema definition %s: %w", def, err)
		}
	}
	ids := map[string]bool{}
	if m, ok := spdx.(map[string]any); ok {
		if list, ok := m["enum"].([]any); ok {
			for _, v := range list {
				if s, ok := v.(string); ok {
					ids[s] = true
				}
			}
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("embedded SPDX schema has no license ids")
	}
	return &schemaSet{bom: sch, items: items, spdxIDs: ids, keys: keys}, nil
}

// propertyNames adds the names of the properties defined anywhere in the schema doc to keys.
func propertyNames(doc any, keys map[string]string) {
	switch v := doc.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for k := range props {
				keys[k] = k
			}
		}
		for _, e := range v {
			propertyNames(e, keys)
		}
	case []any:
		for _, e := range v {
			propertyNames(e, keys)
		}
	}
}

// hashPattern is the CycloneDX schema's pattern of a hash's content: 32, 40, 64, 96 or 128 hex digits.
const hashPattern = "^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$"

// regexpEngine compiles the schema's patterns with package regexp, except hashPattern, which almost
// every component of a large BOM has and a loop checks ten times faster than the backtracking matcher.
func regexpEngine(s string) (jsonschema.Regexp, error) {
	if s == hashPattern {
		return hexDigest{}, nil
	}
	return regexp.Compile(s)
}

// hexDigest matches what hashPattern matches.
type hexDigest struct{}

func (hexDigest) String() string { return hashPattern }

func (hexDigest) MatchString(s string) bool {
	switch len(s) {
	case 32, 40, 64, 96, 128:
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// issuesFrom flattens a validation error into its leaf causes (JSON pointer
// and message), deduplicated, sorted by pointer, at most maxIssues. When an
// anyOf or oneOf matched no alternative, only the alternative that got
// deepest into the document is reported: the others are usually noise
// ("missing property 'expression'" for a malformed license).
func issuesFrom(ve *jsonschema.ValidationError) *InvalidError {
	return collect(leaves(ve, message.NewPrinter(language.English)))
}

// collect deduplicates issues, sorts them by pointer and keeps at most
// maxIssues.
func collect(all []Issue) *InvalidError {
	seen := map[Issue]bool{}
	var issues []Issue
	for _, is := range all {
		if !seen[is] {
			seen[is] = true
			issues = append(issues, is)
		}
	}
	sort.SliceStable(issues, func(i, j int) bool { return issues[i].Pointer < issues[j].Pointer })
	e := &InvalidError{Issues: issues}
	if len(issues) > maxIssues {
		e.Issues = issues[:maxIssues]
		e.Truncated = true
	}
	return e
}

func leaves(e *jsonschema.ValidationError, p *message.Printer) []Issue {
	if len(e.Causes) == 0 {
		return []Issue{{Pointer: pointer(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(p)}}
	}
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		var best []Issue
		bestDepth := -1
		for _, c := range e.Causes {
			ls := leaves(c, p)
			d := 0
			for _, l := range ls {
				d = max(d, strings.Count(l.Pointer, "/"))
			}
			if d > bestDepth {
				best, bestDepth = ls, d
			}
		}
		return best
	}
	var out []Issue
	for _, c := range e.Causes {
		out = append(out, leaves(c, p)...)
	}
	return out
}

// pointer builds an RFC 6901 JSON pointer from path tokens.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}
