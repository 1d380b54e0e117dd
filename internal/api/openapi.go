package api

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// openAPIFiles hold the OpenAPI 3.1 document in parts: base.json has the document's frame and the
// foundation's paths; every other file adds the paths and components of one area of the API. A test keeps
// the merged document and Routes in step.
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

// openAPIDocument is the merged document, built once.
var openAPIDocument = mustMergeOpenAPI()

// OpenAPIDocument returns the OpenAPI 3.1 document of the API.
func OpenAPIDocument() []byte { return openAPIDocument }

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openAPIDocument)
	return err
}

// mustMergeOpenAPI merges the parts; a malformed or clashing part is a build defect, caught by every test.
func mustMergeOpenAPI() []byte {
	b, err := mergeOpenAPI(openAPIFiles)
	if err != nil {
		panic(err)
	}
	return b
}

// part is what an area file may hold.
type part struct {
	Tags       []json.RawMessage                     `json:"tags"`
	Paths      map[string]json.RawMessage            `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	raw, err := fs.ReadFile(fsys, "openapi/base.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi/base.json: %w", err)
	}
	var base part
	if err := json.Unmarshal(raw, &base); err != nil {
		return nil, fmt.Errorf("openapi/base.json: %w", err)
	}
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "openapi/base.json" {
			continue
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var p part
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		base.Tags = append(base.Tags, p.Tags...)
		for path, v := range p.Paths {
			if _, dup := base.Paths[path]; dup {
				return nil, fmt.Errorf("%s: path %s is defined twice", name, path)
			}
			base.Paths[path] = v
		}
		for section, entries := range p.Components {
			if base.Components[section] == nil {
				base.Components[section] = map[string]json.RawMessage{}
			}
			for k, v := range entries {
				if _, dup := base.Components[section][k]; dup {
					return nil, fmt.Errorf("%s: components.%s.%s is defined twice", name, section, k)
				}
				base.Components[section][k] = v
			}
		}
	}
	for k, v := range map[string]any{"tags": base.Tags, "paths": base.Paths, "components": base.Components} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		doc[k] = b
	}
	return json.Marshal(doc)
}
