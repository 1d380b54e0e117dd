package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

// TestCrossOriginFormsAreRefused posts every form action of the UI as another site would, and checks that
// each is refused and changes nothing.
func TestCrossOriginFormsAreRefused(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	owner := newUser(t, f, "owner@example.com", org, aims.RoleOwner)
	f.User(t, "grace@example.com", nil, "")
	m, _ := f.DB.MembershipOf(f.Ctx, org.ID, owner.ID)
	invitation, _, err := f.Accounts.CreateInvitation(f.Ctx, org.ID, "newcomer@example.com", aims.RoleOwner, 0)
	if err != nil {
		t.Fatal(err)
	}
	forms := []struct {
		path string
		form url.Values
	}{
		{"/members/invitations", url.Values{"email": {"grace@example.com"}, "role": {"owner"}, "expires": {"7d"}}},
		{"/members/" + m.ID + "/role", url.Values{"role": {"viewer"}, "version": {"1"}}},
		{"/tokens", url.Values{"name": {"stolen"}, "role": {"owner"}, "expires": {"never"}}},
		{"/settings", url.Values{"name": {"Pwned"}, "version": {"1"}}},
		{"/logout/everywhere", nil},
		{"/invitations/" + invitation + "/signup", url.Values{"name": {"N"}, "password": {apptest.Password}, "confirm": {apptest.Password}}},
		{"/account/totp/disable", url.Values{"password": {apptest.Password}}},
		{"/login", url.Values{"email": {"owner@example.com"}, "password": {apptest.Password}}},
	}
	headers := []struct{ name, key, value string }{
		{"Sec-Fetch-Site cross-site", "Sec-Fetch-Site", "cross-site"},
		{"Origin of another site", "Origin", "https://evil.example"},
	}
	for _, h := range headers {
		for _, fm := range forms {
			t.Run(h.name+" POST "+fm.path, func(t *testing.T) {
				b := browserAs(t, f, owner, org)
				before := activityCount(t, f, org.ID)
				b.header.Set(h.key, h.value)
				p := b.post(fm.path, fm.form)
				expect(t, p, http.StatusForbidden, "")
				if after := activityCount(t, f, org.ID); after != before {
					t.Errorf("the trail grew from %d to %d entries", before, after)
				}
				b.header = http.Header{}
				expect(t, b.get("/"), http.StatusOK, "")
			})
		}
	}
}
