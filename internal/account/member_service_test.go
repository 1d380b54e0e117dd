package account_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

func TestCreateOrganizationAndUserValidate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.org(t, "acme")
	for _, tc := range []struct {
		name, slug, orgName string
		code, field         string
	}{
		{"a malformed slug", "Acme Ltd", "Acme", aims.EINVALID, "slug"},
		{"an empty name", "acme2", "   ", aims.EINVALID, "name"},
		{"a name over 200 characters", "acme3", strings.Repeat("n", 201), aims.EINVALID, "name"},
		{"a taken slug", "acme", "Another Acme", aims.ECONFLICT, "slug"},
	} {
		t.Run("CreateOrganization refuses "+tc.name, func(t *testing.T) {
			_, err := e.svc.CreateOrganization(e.sys, tc.slug, tc.orgName)
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field {
				t.Fatalf("CreateOrganization = %v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
	t.Run("CreateUser names a user after their email by default", func(t *testing.T) {
		u, err := e.svc.CreateUser(e.sys, " Ada@Example.com ", " ", "")
		if err != nil || u.Email != "ada@example.com" || u.Name != "ada@example.com" || u.PasswordHash != "" {
			t.Fatalf("CreateUser = %+v, %v", u, err)
		}
	})
	for _, tc := range []struct {
		name, email, password string
		code, field           string
	}{
		{"a malformed email", "ada", "", aims.EINVALID, "email"},
		{"a weak password", "weak@example.com", "short", aims.EINVALID, "password"},
		{"a taken email in another case", "ADA@example.com", "", aims.ECONFLICT, "email"},
	} {
		t.Run("CreateUser refuses "+tc.name, func(t *testing.T) {
			_, err := e.svc.CreateUser(e.sys, tc.email, "", tc.password)
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field {
				t.Fatalf("CreateUser = %v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
}

// memberEnv is an organization with one member of each role but owner held by two, and a second
// organization.
type memberEnv struct {
	*env
	acme, beta                             *account.Organization
	olga, otto, adam, mia, carl, ann, vic  *account.User
	olgaM, ottoM, adamM, miaM, carlM, vicM *account.Membership
}

func newMemberEnv(t *testing.T) *memberEnv {
	t.Helper()
	e := &memberEnv{env: newEnv(t)}
	e.acme, e.beta = e.org(t, "acme"), e.org(t, "beta")
	e.olga, e.otto = e.user(t, "olga@example.com", "Olga"), e.user(t, "otto@example.com", "Otto")
	e.adam, e.mia = e.user(t, "adam@example.com", "Adam"), e.user(t, "mia@example.com", "Mia")
	e.carl, e.ann = e.user(t, "carl@example.com", "Carl"), e.user(t, "ann@example.com", "Ann")
	e.vic = e.user(t, "vic@example.com", "Vic")
	e.olgaM = e.member(t, e.acme, e.olga, aims.RoleOwner)
	e.ottoM = e.member(t, e.acme, e.otto, aims.RoleOwner)
	e.adamM = e.member(t, e.acme, e.adam, aims.RoleAdmin)
	e.miaM = e.member(t, e.acme, e.mia, aims.RoleManager)
	e.carlM = e.member(t, e.acme, e.carl, aims.RoleContributor)
	e.vicM = e.member(t, e.acme, e.vic, aims.RoleViewer)
	e.member(t, e.beta, e.olga, aims.RoleOwner)
	return e
}

func TestAddMember(t *testing.T) {
	t.Parallel()
	e := newMemberEnv(t)
	asOlga, asAdam := e.as(t, e.olga, e.acme), e.as(t, e.adam, e.acme)

	t.Run("an admin adds a manager, recorded under the admin's name", func(t *testing.T) {
		m, err := e.svc.AddMember(asAdam, e.acme.ID, " ANN@example.com", aims.RoleManager)
		if err != nil {
			t.Fatal(err)
		}
		if m.OrgID != e.acme.ID || m.UserID != e.ann.ID || m.Role != aims.RoleManager || m.UserEmail != "ann@example.com" {
			t.Fatalf("membership = %+v", m)
		}
		last := e.lastActivity(t, e.acme)
		if last.Action != "create" || last.RecordType != "membership" || last.RecordID != m.ID ||
			last.ActorName != "Adam" || last.ActorID != e.adam.ID || last.ActorKind != "user" {
			t.Fatalf("last activity = %+v", last)
		}
	})
	t.Run("an admin cannot make an owner", func(t *testing.T) {
		_, err := e.svc.AddMember(asAdam, e.beta.ID, e.carl.Email, aims.RoleOwner)
		if aims.ErrorCode(err) != aims.EFORBIDDEN || aims.ErrorField(err) != "role" {
			t.Fatalf("AddMember(owner) as admin = %v, want EFORBIDDEN on role", err)
		}
		if _, err := e.db.MembershipOf(e.sys, e.beta.ID, e.carl.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
			t.Fatalf("the refused member was added: %v", err)
		}
	})
	t.Run("an owner makes an owner", func(t *testing.T) {
		if _, err := e.svc.AddMember(e.as(t, e.olga, e.beta), e.beta.ID, e.carl.Email, aims.RoleOwner); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name, email string
		role        aims.Role
		code, field string
	}{
		{"an unknown email", "nobody@example.com", aims.RoleViewer, aims.EINVALID, "email"},
		{"a malformed email", "nobody", aims.RoleViewer, aims.EINVALID, "email"},
		{"an unknown role", "ann@example.com", "root", aims.EINVALID, "role"},
		{"no role", "ann@example.com", "", aims.EINVALID, "role"},
		{"a member already", "mia@example.com", aims.RoleViewer, aims.ECONFLICT, "email"},
	} {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			_, err := e.svc.AddMember(asOlga, e.acme.ID, tc.email, tc.role)
			if aims.ErrorCode(err) != tc.code || aims.ErrorField(err) != tc.field {
				t.Fatalf("AddMember = %v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
}

func TestChangeRole(t *testing.T) {
	t.Parallel()
	e := newMemberEnv(t)
	asOlga, asAdam := e.as(t, e.olga, e.acme), e.as(t, e.adam, e.acme)

	for _, tc := range []struct {
		name   string
		member func() *account.Membership
		role   aims.Role
	}{
		{"make an owner", func() *account.Membership { return e.miaM }, aims.RoleOwner},
		{"demote an owner", func() *account.Membership { return e.ottoM }, aims.RoleAdmin},
		{"keep an owner an owner", func() *account.Membership { return e.ottoM }, aims.RoleOwner},
	} {
		t.Run("an admin cannot "+tc.name, func(t *testing.T) {
			m := tc.member()
			_, err := e.svc.ChangeRole(asAdam, e.acme.ID, m.ID, tc.role, 0)
			if aims.ErrorCode(err) != aims.EFORBIDDEN || aims.ErrorField(err) != "role" {
				t.Fatalf("ChangeRole as admin = %v, want EFORBIDDEN on role", err)
			}
			if got, _ := e.db.MembershipByID(e.sys, e.acme.ID, m.ID); got.Role != m.Role {
				t.Fatalf("the refused change took effect: %s", got.Role)
			}
		})
	}
	t.Run("an admin changes a manager's role, recorded with before and after", func(t *testing.T) {
		m, err := e.svc.ChangeRole(asAdam, e.acme.ID, e.miaM.ID, aims.RoleViewer, e.miaM.Version)
		if err != nil {
			t.Fatal(err)
		}
		if m.Role != aims.RoleViewer || m.Version != e.miaM.Version+1 {
			t.Fatalf("membership = %+v", m)
		}
		last := e.lastActivity(t, e.acme)
		var before, after account.Membership
		if err := json.Unmarshal(last.Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(last.After, &after); err != nil {
			t.Fatal(err)
		}
		if last.Action != "update" || last.RecordID != e.miaM.ID || last.ActorName != "Adam" ||
			before.Role != aims.RoleManager || after.Role != aims.RoleViewer {
			t.Fatalf("last activity = %+v (before %s, after %s)", last, last.Before, last.After)
		}
	})
	t.Run("a stale version is a failed precondition", func(t *testing.T) {
		_, err := e.svc.ChangeRole(asAdam, e.acme.ID, e.miaM.ID, aims.RoleManager, e.miaM.Version)
		wantCode(t, err, aims.EPRECONDITION)
	})
	t.Run("an unknown role is invalid", func(t *testing.T) {
		_, err := e.svc.ChangeRole(asOlga, e.acme.ID, e.carlM.ID, "root", 0)
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "role" {
			t.Fatalf("ChangeRole = %v, want EINVALID on role", err)
		}
	})
	t.Run("another organization's member is not found", func(t *testing.T) {
		betaM, err := e.db.MembershipOf(e.sys, e.beta.ID, e.olga.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.ChangeRole(asOlga, e.acme.ID, betaM.ID, aims.RoleViewer, 0)
		wantCode(t, err, aims.ENOTFOUND)
	})
	t.Run("an owner makes and unmakes an owner while another owner remains", func(t *testing.T) {
		if _, err := e.svc.ChangeRole(asOlga, e.acme.ID, e.carlM.ID, aims.RoleOwner, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ChangeRole(asOlga, e.acme.ID, e.carlM.ID, aims.RoleContributor, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ChangeRole(asOlga, e.acme.ID, e.ottoM.ID, aims.RoleAdmin, 0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the last owner cannot be demoted, by themselves or by an operator", func(t *testing.T) {
		if n, err := e.db.CountOwners(e.sys, e.acme.ID); err != nil || n != 1 {
			t.Fatalf("owners = %d, %v; want only Olga", n, err)
		}
		for _, as := range []struct {
			name string
			ctx  context.Context
		}{{"Olga", asOlga}, {"the system", e.sys}} {
			_, err := e.svc.ChangeRole(as.ctx, e.acme.ID, e.olgaM.ID, aims.RoleAdmin, 0)
			if aims.ErrorCode(err) != aims.ECONFLICT {
				t.Fatalf("demoting the last owner as %s = %v, want ECONFLICT", as.name, err)
			}
		}
		if got, _ := e.db.MembershipByID(e.sys, e.acme.ID, e.olgaM.ID); got.Role != aims.RoleOwner {
			t.Fatalf("the last owner is now %s", got.Role)
		}
	})
}

func TestRemoveMember(t *testing.T) {
	t.Parallel()
	e := newMemberEnv(t)
	asOlga, asAdam := e.as(t, e.olga, e.acme), e.as(t, e.adam, e.acme)

	t.Run("an admin cannot remove an owner", func(t *testing.T) {
		err := e.svc.RemoveMember(asAdam, e.acme.ID, e.ottoM.ID)
		wantCode(t, err, aims.EFORBIDDEN)
		if _, err := e.db.MembershipByID(e.sys, e.acme.ID, e.ottoM.ID); err != nil {
			t.Fatalf("the refused removal removed the owner: %v", err)
		}
	})
	t.Run("an admin removes a viewer, recorded under the admin's name", func(t *testing.T) {
		if err := e.svc.RemoveMember(asAdam, e.acme.ID, e.vicM.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.MembershipByID(e.sys, e.acme.ID, e.vicM.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
			t.Fatalf("the member is still there: %v", err)
		}
		last := e.lastActivity(t, e.acme)
		if last.Action != "delete" || last.RecordType != "membership" || last.RecordID != e.vicM.ID ||
			last.ActorName != "Adam" || string(last.After) != "null" || !strings.Contains(string(last.Before), "vic@example.com") {
			t.Fatalf("last activity = %+v (before %s, after %s)", last, last.Before, last.After)
		}
	})
	t.Run("removing a member twice is not found", func(t *testing.T) {
		wantCode(t, e.svc.RemoveMember(asAdam, e.acme.ID, e.vicM.ID), aims.ENOTFOUND)
	})
	t.Run("another organization's member is not found", func(t *testing.T) {
		betaM, err := e.db.MembershipOf(e.sys, e.beta.ID, e.olga.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.svc.RemoveMember(asOlga, e.acme.ID, betaM.ID), aims.ENOTFOUND)
	})
	t.Run("an owner removes another owner", func(t *testing.T) {
		if err := e.svc.RemoveMember(asOlga, e.acme.ID, e.ottoM.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the last owner cannot be removed, by themselves or by an operator", func(t *testing.T) {
		wantCode(t, e.svc.RemoveMember(asOlga, e.acme.ID, e.olgaM.ID), aims.ECONFLICT)
		wantCode(t, e.svc.RemoveMember(e.sys, e.acme.ID, e.olgaM.ID), aims.ECONFLICT)
	})
}

func TestUserChangesAreRecordedInEveryOrganizationWithoutSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme, beta, gamma := e.org(t, "acme"), e.org(t, "beta"), e.org(t, "gamma")
	uma := e.user(t, "uma@example.com", "Uma")
	e.member(t, acme, uma, aims.RoleContributor)
	e.member(t, beta, uma, aims.RoleViewer)
	gammaBefore := len(e.activity(t, gamma))
	asUma := e.as(t, uma, acme)

	count := func(o *account.Organization) int { return len(e.activity(t, o)) }
	nAcme, nBeta := count(acme), count(beta)
	oldHash := cheapHash(password)

	const next = "another long passphrase"
	if err := e.svc.SetPassword(asUma, uma.ID, next); err != nil {
		t.Fatal(err)
	}
	secret := e.enableTOTP(t, uma) // as the system
	if err := e.svc.DisableTOTP(asUma, uma.ID, next); err != nil {
		t.Fatal(err)
	}
	stored, err := e.db.UserByID(e.sys, uma.ID)
	if err != nil {
		t.Fatal(err)
	}
	newHash := stored.PasswordHash
	if newHash == oldHash || newHash == "" {
		t.Fatal("SetPassword did not change the hash")
	}

	for _, o := range []*account.Organization{acme, beta} {
		t.Run("in "+o.Slug, func(t *testing.T) {
			all := e.activity(t, o)
			base := map[string]int{"acme": nAcme, "beta": nBeta}[o.Slug]
			if len(all) != base+3 {
				t.Fatalf("%d new entries, want 3 (password, TOTP on, TOTP off)", len(all)-base)
			}
			changes := all[base:]
			for i, en := range changes {
				if en.Action != "update" || en.RecordType != "user" || en.RecordID != uma.ID {
					t.Fatalf("entry %d = %+v", i, en)
				}
			}
			wantActors := []string{"Uma", "aims", "Uma"}
			for i, en := range changes {
				if en.ActorName != wantActors[i] {
					t.Errorf("entry %d actor = %q, want %q", i, en.ActorName, wantActors[i])
				}
			}
			var pw struct {
				PasswordChanged bool `json:"password_changed"`
				Email           string
			}
			if err := json.Unmarshal(changes[0].After, &pw); err != nil || !pw.PasswordChanged || pw.Email != "uma@example.com" {
				t.Fatalf("password change after = %s, %v; want password_changed and the email", changes[0].After, err)
			}
			var on, off struct {
				TOTPEnabled bool `json:"totp_enabled"`
			}
			if json.Unmarshal(changes[1].After, &on) != nil || !on.TOTPEnabled || json.Unmarshal(changes[2].After, &off) != nil || off.TOTPEnabled {
				t.Fatalf("TOTP entries: %s / %s", changes[1].After, changes[2].After)
			}
			assertNoSecrets(t, all, oldHash, newHash, secret, next, password)
		})
	}
	t.Run("not in an organization the user is not in", func(t *testing.T) {
		if n := len(e.activity(t, gamma)); n != gammaBefore {
			t.Fatalf("gamma got %d entries about a non-member", n-gammaBefore)
		}
	})
}

func TestUpdateOrganizationIsRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	adam := e.user(t, "adam@example.com", "Adam")
	e.member(t, acme, adam, aims.RoleAdmin)
	asAdam := e.as(t, adam, acme)

	name, yes := "Acme Ltd", true
	o, err := e.svc.UpdateOrganization(asAdam, acme.ID, account.OrganizationUpdate{Name: &name, RequireTOTP: &yes}, acme.Version)
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "Acme Ltd" || !o.RequireTOTP || o.Slug != "acme" || o.Version != acme.Version+1 {
		t.Fatalf("organization = %+v", o)
	}
	last := e.lastActivity(t, acme)
	if last.Action != "update" || last.RecordType != "organization" || last.ActorName != "Adam" {
		t.Fatalf("last activity = %+v", last)
	}
	t.Run("a stale version is a failed precondition", func(t *testing.T) {
		_, err := e.svc.UpdateOrganization(asAdam, acme.ID, account.OrganizationUpdate{Name: &name}, acme.Version)
		wantCode(t, err, aims.EPRECONDITION)
	})
	t.Run("an empty name is invalid", func(t *testing.T) {
		empty := " "
		_, err := e.svc.UpdateOrganization(asAdam, acme.ID, account.OrganizationUpdate{Name: &empty}, 0)
		if aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "name" {
			t.Fatalf("UpdateOrganization = %v, want EINVALID on name", err)
		}
	})
	t.Run("an unknown organization is not found", func(t *testing.T) {
		_, err := e.svc.UpdateOrganization(asAdam, aims.NewID(), account.OrganizationUpdate{}, 0)
		wantCode(t, err, aims.ENOTFOUND)
	})
}
