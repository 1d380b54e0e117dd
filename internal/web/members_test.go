package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
)

func TestMembers(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	admin := newUser(t, f, "admin@example.com", org, aims.RoleAdmin)
	newUser(t, f, "grace@example.com", nil, "")
	b := browserAs(t, f, admin, org)

	t.Run("an admin invites a member, who joins on accepting", func(t *testing.T) {
		p := b.post("/members/invitations", url.Values{"email": {"Grace@example.com"}, "role": {"contributor"}, "expires": {"7d"}})
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "Copy the link now", "aims does not send email yet")
		link := invitationLink(t, p)
		if _, err := f.DB.MembershipOf(f.Ctx, org.ID, f.User(t, "grace@example.com", nil, "").ID); aims.ErrorCode(err) != aims.ENOTFOUND {
			t.Fatalf("grace is a member before accepting: %v", err)
		}
		g := browserAs(t, f, f.User(t, "grace@example.com", nil, ""), nil)
		expect(t, g.post(strings.TrimPrefix(link, f.Srv.URL)+"/accept", nil), http.StatusSeeOther, "/")
		mustContain(t, b.get("/members"), "grace@example.com")
	})
	t.Run("inviting with a malformed email is refused beside the email field, keeping the values", func(t *testing.T) {
		p := b.post("/members/invitations", url.Values{"email": {"nobody"}, "role": {"auditor"}, "expires": {"7d"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "Enter an email address")
		if !strings.Contains(p.Body, `value="nobody"`) || !strings.Contains(p.Body, `<option value="auditor" selected>`) {
			t.Error("the form lost its values")
		}
		if !strings.Contains(p.Body, `aria-describedby="invite-email-error"`) {
			t.Error("the error is not tied to the email field")
		}
	})
	t.Run("inviting a member is refused", func(t *testing.T) {
		p := b.post("/members/invitations", url.Values{"email": {"grace@example.com"}, "role": {"viewer"}, "expires": {"7d"}})
		expect(t, p, http.StatusConflict, "")
		mustContain(t, p, "This person is a member already.")
	})
	t.Run("an admin may not invite an owner", func(t *testing.T) {
		p := b.post("/members/invitations", url.Values{"email": {"olga@example.com"}, "role": {"owner"}, "expires": {"7d"}})
		expect(t, p, http.StatusForbidden, "")
		mustContain(t, p, "Only an owner can grant or remove the owner role.")
	})
	t.Run("a lifetime the form does not offer is refused", func(t *testing.T) {
		p := b.post("/members/invitations", url.Values{"email": {"olga@example.com"}, "role": {"viewer"}, "expires": {"365d"}})
		expect(t, p, http.StatusBadRequest, "")
		mustContain(t, p, "Choose one of the offered lifetimes.")
	})

	m, err := f.DB.MembershipOf(f.Ctx, org.ID, f.User(t, "grace@example.com", nil, "").ID)
	if err != nil {
		t.Fatal(err)
	}
	rolePath, removePath := "/members/"+m.ID+"/role", "/members/"+m.ID+"/remove"

	t.Run("an admin changes a member's role", func(t *testing.T) {
		list := b.get("/members")
		version := hidden(t, list.Body, rolePath, "version")
		p := b.post(rolePath, url.Values{"role": {"manager"}, "version": {version}})
		expect(t, p, http.StatusSeeOther, "/members")
		mustContain(t, b.get("/members"), "grace@example.com is now manager.")
	})
	t.Run("a stale version is refused and the choice is kept", func(t *testing.T) {
		p := b.post(rolePath, url.Values{"role": {"viewer"}, "version": {"1"}})
		expect(t, p, http.StatusPreconditionFailed, "")
		mustContain(t, p, "Someone else changed this membership while you were editing")
		if !strings.Contains(p.Body, `aria-describedby="row-error-`+m.ID+`"`) {
			t.Error("the error is not tied to the row's role field")
		}
		got, _ := f.DB.MembershipByID(f.Ctx, org.ID, m.ID)
		if got.Role != aims.RoleManager {
			t.Errorf("the stale change went through: role %s", got.Role)
		}
	})
	t.Run("a form without a version is refused", func(t *testing.T) {
		expect(t, b.post(rolePath, url.Values{"role": {"viewer"}}), http.StatusBadRequest, "")
	})
	t.Run("an unknown member is not found", func(t *testing.T) {
		expect(t, b.post("/members/"+strings.Repeat("0", 26)+"/role", url.Values{"role": {"viewer"}, "version": {"1"}}), http.StatusNotFound, "")
		expect(t, b.post("/members/nope/remove", nil), http.StatusNotFound, "")
	})
	t.Run("a viewer sees the list without the forms", func(t *testing.T) {
		v := browserAs(t, f, newUser(t, f, "viewer@example.com", org, aims.RoleViewer), org)
		p := v.get("/members")
		expect(t, p, http.StatusOK, "")
		mustContain(t, p, "grace@example.com", "admin@example.com")
		for _, form := range []string{`action="/members/invitations"`, `action="` + rolePath + `"`, `action="` + removePath + `"`} {
			if strings.Contains(p.Body, form) {
				t.Errorf("a viewer sees the form %s", form)
			}
		}
		expect(t, v.post(removePath, nil), http.StatusForbidden, "")
	})
	t.Run("an admin removes a member", func(t *testing.T) {
		p := b.post(removePath, nil)
		expect(t, p, http.StatusSeeOther, "/members")
		p = b.get("/members")
		mustContain(t, p, "grace@example.com is no longer a member")
		if strings.Contains(p.Body, removePath) {
			t.Error("the removed member is still listed")
		}
	})
	t.Run("the last owner cannot be removed", func(t *testing.T) {
		owner := newUser(t, f, "owner@example.com", org, aims.RoleOwner)
		om, _ := f.DB.MembershipOf(f.Ctx, org.ID, owner.ID)
		ob := browserAs(t, f, owner, org)
		p := ob.post("/members/"+om.ID+"/remove", nil)
		expect(t, p, http.StatusConflict, "")
		mustContain(t, p, "An organization must keep at least one owner.")
	})
}
