package system_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheOwnerRuleIsTheServices: an owner must be a member whose role may change AI systems. The
// service checks it in the transaction that stores the systems (the store no longer does), names the
// system at fault in an import, stores nothing then, and lets an owner who has since left stay on an
// update that does not change the owner.
func TestTheOwnerRuleIsTheServices(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	member := func(email string, role aims.Role) *account.User {
		t.Helper()
		u := &account.User{Email: email, Name: email}
		if err := f.db.CreateUser(f.ctx, u); err != nil {
			t.Fatal(err)
		}
		if role != "" {
			if err := f.db.CreateMembership(f.ctx, &account.Membership{OrgID: f.org.ID, UserID: u.ID, Role: role}); err != nil {
				t.Fatal(err)
			}
		}
		return u
	}
	priya := member("priya@acme.example", aims.RoleContributor)
	vic := member("vic@acme.example", aims.RoleViewer)
	stranger := member("sam@elsewhere.example", "")

	before := f.trail(t)
	for _, tc := range []struct {
		owner string
		says  string
	}{
		{stranger.ID, "The owner must be a member of the organization."},
		{vic.ID, "this member's role is viewer"},
	} {
		_, err := f.svc.Import(f.ctx, f.org.ID, []system.Fields{{Name: "Fine", Purpose: "p", OwnerID: priya.ID},
			{Name: "At fault", Purpose: "p", OwnerID: tc.owner}})
		var ie *system.ImportError
		if !errors.As(err, &ie) || ie.Index != 1 || aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != "owner_id" {
			t.Fatalf("import with owner %s: %v, want EINVALID on owner_id of system 1", tc.owner, err)
		}
		if msg := aims.ErrorMessage(err); !strings.Contains(msg, tc.says) {
			t.Errorf("the refusal says %q, want %q", msg, tc.says)
		}
	}
	if n := f.trail(t); n != before {
		t.Errorf("refused imports changed the trail from %d to %d entries", before, n)
	}
	s, err := f.svc.Create(f.ctx, f.org.ID, system.Fields{Name: "Owned", Purpose: "p", OwnerID: priya.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Update(f.ctx, f.org.ID, s.ID, system.Fields{Name: "Owned", Purpose: "p", OwnerID: vic.ID}, 0, "Hand over."); aims.ErrorField(err) != "owner_id" {
		t.Errorf("handing over to a viewer: %v, want EINVALID on owner_id", err)
	}
	// Priya leaves; a change that keeps her as the owner is still saved.
	m, err := f.db.MembershipOf(f.ctx, f.org.ID, priya.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.DeleteMembership(f.ctx, f.org.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Update(f.ctx, f.org.ID, s.ID, system.Fields{Name: "Owned", Purpose: "Still hers.", OwnerID: priya.ID}, 0, "Purpose."); err != nil {
		t.Errorf("an update keeping an owner who left: %v", err)
	}
}
