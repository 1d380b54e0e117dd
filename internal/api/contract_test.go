package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/aimsproject/aims/internal/api"
)

// contract is openapi.json, loaded and validated once per test binary, with a router that finds the
// operation a request is for.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

// loadContract parses and validates the embedded document. kin-openapi switches to JSON Schema 2020-12
// validation by itself for an OpenAPI 3.1 document.
var loadContract = sync.OnceValues(func() (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPIDocument())
	if err != nil {
		return nil, fmt.Errorf("cannot load openapi.json: %w", err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableSchemaFormatValidation(), openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("cannot route openapi.json: %w", err)
	}
	// The activity export is JSON lines, which OpenAPI 3.1 describes as a string; kin-openapi needs to be
	// told to read such a body as text. Each line is checked against ActivityEntry separately.
	openapi3filter.RegisterBodyDecoder("application/jsonl", openapi3filter.PlainBodyDecoder)
	// The heat map's picture is SVG, a string to the contract.
	openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.PlainBodyDecoder)
	return &contract{doc: doc, router: router}, nil
})

func mustContract(t testing.TB) *contract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// options are the validation options of every exchange: authentication is the server's business, a
// response status the document does not list is a mismatch, and the request is checked as it was sent
// (without the defaults kin-openapi would otherwise fill in).
func (c *contract) options() *openapi3filter.Options {
	return &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true,
		MultiError: true, SkipSettingDefaults: true}
}

// checkRequest validates req (whose body is body) against the document and returns its route, or an
// error saying how it breaks the document.
func (c *contract) checkRequest(req *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		return nil, fmt.Errorf("no operation for %s %s: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: c.options()}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return in, err
	}
	return in, nil
}

// checkResponse validates a response to the request in.
func (c *contract) checkResponse(in *openapi3filter.RequestValidationInput, res *response) error {
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.status, Header: res.header,
		Options: c.options()}
	out.SetBodyBytes(res.body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return err
	}
	if mt := mediaType(res.header); mt == "application/jsonl" {
		return c.checkJSONLines(res.body, "ActivityEntry")
	}
	return nil
}

// checkJSONLines validates every line of body against the component schema name.
func (c *contract) checkJSONLines(body []byte, name string) error {
	schema := c.doc.Components.Schemas[name]
	if schema == nil || schema.Value == nil {
		return fmt.Errorf("openapi.json has no schema %s", name)
	}
	if len(body) == 0 {
		return nil
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n")) {
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			return fmt.Errorf("line %d is not JSON: %w", i+1, err)
		}
		if err := schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse()); err != nil {
			return fmt.Errorf("line %d does not match %s: %w", i+1, name, err)
		}
	}
	return nil
}

func mediaType(h http.Header) string {
	mt, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	return strings.TrimSpace(mt)
}

// seen records, for the whole test binary, which responses of which operation the tests received, so that
// TestMain can tell which documented responses no test exercises.
var seen = struct {
	sync.Mutex
	m map[string]map[int]bool // "METHOD /path" -> status
}{m: map[string]map[int]bool{}}

func recordSeen(in *openapi3filter.RequestValidationInput, status int) {
	key := in.Route.Method + " " + in.Route.Path
	seen.Lock()
	defer seen.Unlock()
	if seen.m[key] == nil {
		seen.m[key] = map[int]bool{}
	}
	seen.m[key][status] = true
}

// operations returns every documented operation as "METHOD /path".
func (c *contract) operations() []string {
	var ops []string
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	sort.Strings(ops)
	return ops
}

func TestOpenAPIDocumentIsValid31(t *testing.T) {
	c := mustContract(t)
	if c.doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", c.doc.OpenAPI)
	}
	if !c.doc.IsOpenAPI31OrLater() {
		t.Fatal("kin-openapi does not treat the document as OpenAPI 3.1")
	}
	for _, name := range []string{"bearerAuth", "cookieAuth"} {
		if c.doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("no security scheme %s", name)
		}
	}
}

func TestEveryRouteIsDocumentedAndEveryOperationRouted(t *testing.T) {
	c := mustContract(t)
	var routes []string
	for _, rt := range (&api.API{}).Routes() {
		routes = append(routes, rt.Method+" "+rt.Path)
	}
	sort.Strings(routes)
	ops := c.operations()
	for _, r := range routes {
		if !slices.Contains(ops, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json documents %s, which is not a route", op)
		}
	}
}

func TestDocumentMatchesTheRouteTable(t *testing.T) {
	c := mustContract(t)
	for _, rt := range (&api.API{}).Routes() {
		item := c.doc.Paths.Find(rt.Path)
		if item == nil || item.GetOperation(rt.Method) == nil {
			continue // reported by TestEveryRouteIsDocumentedAndEveryOperationRouted
		}
		op := item.GetOperation(rt.Method)
		name := rt.Method + " " + rt.Path
		public := op.Security != nil && len(*op.Security) == 0
		if public != rt.Public {
			t.Errorf("%s: public in openapi.json = %v, in Routes = %v", name, public, rt.Public)
		}
		codes := op.Responses.Map()
		if !rt.Public {
			for _, s := range []string{"401", "403"} {
				if codes[s] == nil {
					t.Errorf("%s needs authentication but does not document %s", name, s)
				}
			}
		}
		if codes["500"] == nil {
			t.Errorf("%s does not document 500", name)
		}
		if op.RequestBody != nil {
			for _, s := range []string{"400", "413", "415"} {
				if codes[s] == nil {
					t.Errorf("%s takes a JSON body but does not document %s", name, s)
				}
			}
			for mt, m := range op.RequestBody.Value.Content {
				if m.Schema == nil || m.Schema.Value == nil || m.Schema.Value.AdditionalProperties.Has == nil || *m.Schema.Value.AdditionalProperties.Has {
					t.Errorf("%s: the %s request body does not have additionalProperties: false", name, mt)
				}
			}
		}
		if strings.Contains(rt.Path, "{id}") && codes["404"] == nil {
			t.Errorf("%s takes an id but does not document 404", name)
		}
		takesIfMatch := slices.ContainsFunc(slices.Concat(op.Parameters, item.Parameters), func(p *openapi3.ParameterRef) bool {
			return p.Value.In == "header" && p.Value.Name == "If-Match"
		})
		if takesIfMatch && codes["412"] == nil {
			t.Errorf("%s takes If-Match but does not document 412", name)
		}
	}
}

func TestOpenAPIEndpointServesTheEmbeddedDocument(t *testing.T) {
	e := newEnv(t)
	res := e.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if res.status != http.StatusOK || !bytes.Equal(res.body, api.OpenAPIDocument()) {
		t.Fatalf("GET /api/v1/openapi.json = %d, %d bytes; want 200 and the embedded document", res.status, len(res.body))
	}
}

// TestContractCheckerRejectsMismatches makes sure the checker itself can fail: a response that breaks
// the document must be reported.
func TestContractCheckerRejectsMismatches(t *testing.T) {
	c := mustContract(t)
	req, _ := http.NewRequest("GET", "http://aims.test/api/v1/organization", nil)
	in, err := c.checkRequest(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := `{"id":"01h0000000000000000000000a","slug":"acme","name":"Acme","require_totp":false,"version":1,` +
		`"created_at":"2025-01-02T03:04:05.123456Z","updated_at":"2025-01-02T03:04:05Z"}`
	h := http.Header{"Content-Type": {"application/json"}, "Etag": {`"1"`}}
	if err := c.checkResponse(in, &response{status: 200, header: h, body: []byte(good)}); err != nil {
		t.Fatalf("a good response was refused: %v", err)
	}
	bad := map[string]struct {
		status int
		header http.Header
		body   string
	}{
		"an undocumented field":     {200, h, strings.Replace(good, `"slug"`, `"secret":"x","slug"`, 1)},
		"a missing field":           {200, h, strings.Replace(good, `"require_totp":false,`, ``, 1)},
		"a wrong type":              {200, h, strings.Replace(good, `"version":1`, `"version":"1"`, 1)},
		"a time that is not a time": {200, h, strings.Replace(good, `"2025-01-02T03:04:05Z"`, `"yesterday"`, 1)},
		"no ETag":                   {200, http.Header{"Content-Type": {"application/json"}}, good},
		"an undocumented status":    {404, http.Header{"Content-Type": {"application/problem+json"}}, `{"type":"https://aims.dev/problems/not_found","title":"Not found","status":404,"detail":"x","code":"not_found"}`},
		"a problem with the wrong code": {401, http.Header{"Content-Type": {"application/problem+json"}, "Www-Authenticate": {`Bearer realm="aims"`}},
			`{"type":"https://aims.dev/problems/forbidden","title":"Forbidden","status":401,"detail":"x","code":"forbidden"}`},
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			err := c.checkResponse(in, &response{status: b.status, header: b.header, body: []byte(b.body)})
			if err == nil {
				t.Fatal("the checker accepted a response that breaks openapi.json")
			}
			t.Logf("refused as it should be: %.300s", err)
		})
	}
}
