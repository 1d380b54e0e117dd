package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/problem"
	"github.com/aimsproject/aims/internal/storetest"
)

// env is a whole aims over a fresh store (SQLite, or PostgreSQL when AIMS_TEST_POSTGRES_DSN is set)
// behind a real HTTP server, with a clock the test can move. Every exchange through do or send is checked
// against openapi.json.
type env struct {
	*apptest.Fixture
	clock *clock
	hc    *http.Client
	// blobDir is the directory of the evidence blob store.
	blobDir string
}

// clock is the wall clock plus an offset that tests advance to make tokens and sessions expire.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return aims.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// newEnv assembles aims like apptest.New does, but with the store and the account service on a clock the
// test controls.
func newEnv(t *testing.T) *env {
	t.Helper()
	mustContract(t)
	clk := &clock{}
	opts := storetest.Options(t)
	opts.Clock = clk.Now
	db := storetest.OpenWith(t, opts)
	blobDir := t.TempDir()
	a, err := app.New(db, app.Options{Accounts: account.NewService(db, clk.Now), BlobURL: evidence.DirURL(blobDir)})
	if err != nil {
		t.Fatalf("cannot assemble aims: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	hc := srv.Client()
	hc.Timeout = 30 * time.Second
	return &env{Fixture: &apptest.Fixture{App: a, Srv: srv, Ctx: context.Background(), StoreOptions: opts}, clock: clk, hc: hc, blobDir: blobDir}
}

// call is one request to the API.
type call struct {
	method, path string
	// token is a bearer token secret for the Authorization header; empty sends none.
	token string
	// body is encoded as JSON; a string or []byte is sent as it is. Content-Type is application/json
	// when there is a body, unless header sets it (to "" for none).
	body   any
	header http.Header
	// offContract marks a request that breaks openapi.json on purpose (malformed JSON, unknown fields, an
	// id of the wrong shape, ...). Its validation must fail, which shows that the document is at least as
	// strict as the server. The response is still checked.
	offContract bool
	// kinMisses marks an offContract request whose fault kin-openapi does not see (it ignores data after
	// the JSON value and takes the last of repeated members), so its validation need not fail.
	kinMisses bool
}

// response is what the server answered.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with optional header name/value pairs; see send.
func (e *env) do(t *testing.T, method, path, token string, body any, header ...string) *response {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return e.send(t, call{method: method, path: path, token: token, body: body, header: h})
}

// send makes the request against the real server, and fails the test if the request or the response
// does not match openapi.json.
func (e *env) send(t *testing.T, c call) *response {
	t.Helper()
	var body []byte
	switch b := c.body.(type) {
	case nil:
	case string:
		body = []byte(b)
	case []byte:
		body = b
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			t.Fatalf("cannot encode request body: %v", err)
		}
	}
	req, err := http.NewRequest(c.method, e.Srv.URL+c.path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("cannot make request: %v", err)
	}
	if c.body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range c.header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Del("Content-Type") // a test that sets it to "" means no Content-Type at all
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}

	ct := mustContract(t)
	in, reqErr := ct.checkRequest(req, body)
	switch {
	case c.offContract && !c.kinMisses && reqErr == nil:
		t.Errorf("%s %s was meant to break openapi.json but validates against it", c.method, c.path)
	case !c.offContract && reqErr != nil:
		t.Errorf("request %s %s does not match openapi.json: %v", c.method, c.path, reqErr)
	}

	httpRes, err := e.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer httpRes.Body.Close()
	resBody, err := io.ReadAll(httpRes.Body)
	if err != nil {
		t.Fatalf("%s %s: cannot read response: %v", c.method, c.path, err)
	}
	res := &response{status: httpRes.StatusCode, header: httpRes.Header, body: resBody}
	if in != nil && in.Route != nil {
		recordSeen(in, res.status)
		if err := ct.checkResponse(in, res); err != nil {
			t.Errorf("response %d to %s %s does not match openapi.json: %v\n%s", res.status, c.method, c.path, err, res.body)
		}
	}
	return res
}

// decode decodes a JSON response body into v.
func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not the JSON expected: %v\n%s", err, r.body)
	}
}

// want fails the test unless the response has status.
func (r *response) want(t *testing.T, status int) *response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	return r
}

// wantProblem fails the test unless the response is a problem with status and code, about field ("" for
// none), with the stable type.
func (r *response) wantProblem(t *testing.T, status int, code, field string) problem.Details {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (%s)\n%s", r.status, status, code, r.body)
	}
	if mt := mediaType(r.header); mt != problem.ContentType {
		t.Fatalf("Content-Type %q, want %s", mt, problem.ContentType)
	}
	var d problem.Details
	r.decode(t, &d)
	if d.Type != problem.TypeBase+code || d.Status != status || d.Code != code || d.Field != field {
		t.Fatalf("problem {type %q, status %d, code %q, field %q}, want {%q, %d, %q, %q}\n%s",
			d.Type, d.Status, d.Code, d.Field, problem.TypeBase+code, status, code, field, r.body)
	}
	if d.Detail == "" || d.Title == "" {
		t.Fatalf("problem without title or detail: %s", r.body)
	}
	if status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}
	return d
}

// Seeding. Users are made without a password, so that seeding costs no argon2 hashing; the API tests
// authenticate with tokens.

// org creates an organization.
func (e *env) org(t *testing.T, slug string) *account.Organization {
	t.Helper()
	return e.Org(t, slug)
}

// newUser creates a user who belongs to no organization.
func (e *env) newUser(t *testing.T) *account.User {
	t.Helper()
	u, err := e.Accounts.CreateUser(e.Ctx, "u"+aims.NewID()+"@example.com", "", "")
	if err != nil {
		t.Fatalf("cannot create user: %v", err)
	}
	return u
}

// member is a seeded membership with an API token of the member's role.
type member struct {
	*account.Membership
	User  *account.User
	Org   *account.Organization
	Token string
}

// member adds a new user to org with role, and gives them a token with that role.
func (e *env) member(t *testing.T, org *account.Organization, role aims.Role) *member {
	t.Helper()
	u := e.newUser(t)
	m, err := e.Accounts.AddMember(e.Ctx, org.ID, u.Email, role)
	if err != nil {
		t.Fatalf("cannot add %s to %s: %v", role, org.Slug, err)
	}
	mm := &member{Membership: m, User: u, Org: org}
	mm.Token, _ = e.token(t, mm, role, 0)
	return mm
}

// token creates an API token of m's with role and lifetime (0: never expires).
func (e *env) token(t *testing.T, m *member, role aims.Role, lifetime time.Duration) (string, *account.Token) {
	t.Helper()
	cur, err := e.DB.MembershipOf(e.Ctx, m.Org.ID, m.User.ID)
	if err != nil {
		t.Fatalf("%s is not a member of %s: %v", m.User.Email, m.Org.Slug, err)
	}
	ctx := aims.WithActor(e.Ctx, aims.Actor{Kind: aims.ActorUser, ID: m.User.ID, Name: m.User.Name, UserID: m.User.ID,
		OrgID: m.Org.ID, OrgSlug: m.Org.Slug, Role: cur.Role})
	secret, tok, err := e.Accounts.CreateToken(ctx, "seeded "+string(role), role, lifetime)
	if err != nil {
		t.Fatalf("cannot create token: %v", err)
	}
	return secret, tok
}

// activityCount returns how many entries org's activity trail has.
func (e *env) activityCount(t *testing.T, orgID string) int {
	t.Helper()
	n := 0
	if err := e.DB.EachActivity(e.Ctx, orgID, func(*activity.Entry) error { n++; return nil }); err != nil {
		t.Fatalf("cannot count activity: %v", err)
	}
	return n
}

// counts returns the size of each of orgs' activity trails, for unchanged.
func (e *env) counts(t *testing.T, orgs ...*account.Organization) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, o := range orgs {
		m[o.ID] = e.activityCount(t, o.ID)
	}
	return m
}

// unchanged fails the test if any activity trail in before has grown since: every change to any record
// appends an entry, so an unchanged trail means nothing changed.
func (e *env) unchanged(t *testing.T, before map[string]int) {
	t.Helper()
	for id, n := range before {
		if got := e.activityCount(t, id); got != n {
			t.Errorf("organization %s: activity trail went from %d to %d entries; want nothing changed", id, n, got)
		}
	}
}
