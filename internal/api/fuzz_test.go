package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// decodeTargets returns a fresh value of every request body type of the API.
func decodeTargets() []any {
	return []any{&createInvitationRequest{}, &acceptInvitationRequest{}, &updateMemberRequest{}, &createTokenRequest{}, &account.OrganizationUpdate{}}
}

// FuzzDecodeJSON feeds arbitrary bodies to DecodeJSON for every request type. It must never panic, must
// fail only with an EINVALID or ETOOLARGE *aims.Error, and whatever it accepts must survive a round trip
// through encoding/json unchanged.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@example.com","role":"viewer"}`, `{"email":"a@example.com","role":"viewer","expires_in":"7d"}`, `{"token":"aims_inv_x"}`,
		`{"role":"owner"}`,
		`{"name":"ci","role":"contributor","expires_in":"90d"}`,
		`{"name":"Acme","require_totp":true}`,
		`{"name":null}`,
		`{}`, `null`, `[]`, `""`, `0`, ``, ` `,
		`{"name":"x"} {"name":"y"}`, `{"name":"x"} ]`, `{"name":"x"`,
		`{"name":7}`, `{"require_totp":"yes"}`, `{"Name":"x"}`, `{"name":"a","name":"b"}`, `{"n\u0061me":"x"}`,
		`{"email":["a"],"role":{}}`, `{"unknown":1}`, `{"role":"viewer","extra":[1,2,{"a":null}]}`,
		"{\"name\":\"\xff\"}", `{"name":"\ud800"}`, `{"name":1e400}`, `{"require_totp":true}garbage`,
		`{"name":"` + string(bytes.Repeat([]byte("a"), 5000)) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, dst := range decodeTargets() {
			// A small limit, so that the fuzzer reaches the size check too.
			body := http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(data)), 4096)
			err := DecodeJSON(body, dst)
			if err != nil {
				var e *aims.Error
				if !errors.As(err, &e) || (e.Code != aims.EINVALID && e.Code != aims.ETOOLARGE) {
					t.Fatalf("DecodeJSON(%q) into %T = %#v; want an EINVALID or ETOOLARGE *aims.Error", data, dst, err)
				}
				if e.Code == aims.ETOOLARGE && len(data) <= 4096 {
					t.Fatalf("DecodeJSON(%q) = too large for %d bytes", data, len(data))
				}
				continue
			}
			if len(data) > 4096 {
				t.Fatalf("DecodeJSON accepted %d bytes over a limit of 4096", len(data))
			}
			again, err := json.Marshal(dst)
			if err != nil {
				t.Fatalf("cannot encode %#v: %v", dst, err)
			}
			fresh := reflect.New(reflect.TypeOf(dst).Elem()).Interface()
			if err := DecodeJSON(bytes.NewReader(again), fresh); err != nil {
				t.Fatalf("%T decoded from %q does not decode again from %s: %v", dst, data, again, err)
			}
			if !reflect.DeepEqual(dst, fresh) {
				t.Fatalf("round trip of %q into %T: %#v, then %#v", data, dst, dst, fresh)
			}
		}
	})
}

// FuzzIfMatch parses arbitrary If-Match headers. It must never panic, must fail only with EPRECONDITION,
// and a version it returns must be one whose ETag parses back to it.
func FuzzIfMatch(f *testing.F) {
	for _, seed := range []string{``, `*`, ` * `, `"1"`, `"42"`, `W/"3"`, `"0"`, `"-1"`, `"+5"`, `1`, `"1", "2"`, `""`, `"`, `W/`,
		`"9223372036854775807"`, `"9223372036854775808"`, `""7""`, `"1 "`, "\"1\"\t", `w/"1"`, `"0x10"`, `"١"`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := httptest.NewRequest("PATCH", "/api/v1/organization", nil)
		r.Header.Set("If-Match", h)
		v, err := ifMatch(r)
		if err != nil {
			if aims.ErrorCode(err) != aims.EPRECONDITION || v != 0 {
				t.Fatalf("ifMatch(%q) = %d, %v; want 0 and EPRECONDITION", h, v, err)
			}
			return
		}
		if v < 0 {
			t.Fatalf("ifMatch(%q) = %d", h, v)
		}
		if v == 0 {
			return // absent or *
		}
		r.Header.Set("If-Match", etag(v))
		if back, err := ifMatch(r); err != nil || back != v {
			t.Fatalf("ifMatch(%q) = %d, but ifMatch(%s) = %d, %v", h, v, etag(v), back, err)
		}
	})
}

// FuzzPage parses arbitrary limit and cursor query parameters: no panic, and only EINVALID on limit.
func FuzzPage(f *testing.F) {
	for _, seed := range [][2]string{{"", ""}, {"1", ""}, {"500", "MQ"}, {"0", ""}, {"501", ""}, {"-1", ""}, {"ten", "!!"}, {"1e2", ""}, {" 5", ""}, {"+5", ""}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, limit, cursor string) {
		q := url.Values{}
		if limit != "" {
			q.Set("limit", limit)
		}
		q.Set("cursor", cursor)
		r := httptest.NewRequest("GET", "/api/v1/members?"+q.Encode(), nil)
		p, err := page(r)
		if err != nil {
			if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "limit" {
				t.Fatalf("page(limit=%q) = %v; want EINVALID on limit", limit, err)
			}
			return
		}
		if p.Cursor != cursor || p.Limit < 0 || p.Limit > aims.MaxPageLimit || (limit == "") != (p.Limit == 0) {
			t.Fatalf("page(limit=%q, cursor=%q) = %+v", limit, cursor, p)
		}
	})
}
