package control_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
)

func TestADecisionWithoutJustificationIsRefusedAndNothingIsSaved(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	before := f.entries(t, o.ID)
	for _, applicability := range []string{control.Excluded, control.Applicable} {
		t.Run(applicability, func(t *testing.T) {
			_, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.6.2.4",
				control.Update{Applicability: applicability, Justification: "   ", Status: control.NotStarted}, 0)
			wantCode(t, err, aims.EINVALID, "justification")
			c, err := f.svc.Control(ctx, o.ID, framework.ISO42001, "A.6.2.4")
			if err != nil || c.Stored() || c.Applicability != control.Undecided || c.Version != 1 {
				t.Fatalf("after the refused change the control is %+v, %v", c, err)
			}
		})
	}
	if got := f.entries(t, o.ID); got != before {
		t.Fatalf("the activity trail grew from %d to %d entries", before, got)
	}
	c, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.6.2.4",
		control.Update{Applicability: control.Excluded, Justification: "Wir entwickeln keine Modelle – nur Nutzung.", Status: control.NotStarted}, 1)
	if err != nil || c.Version != 2 || c.Applicability != control.Excluded || !c.Decided() {
		t.Fatalf("a justified exclusion: %+v, %v", c, err)
	}
	if got := f.entries(t, o.ID); got != before+1 {
		t.Fatalf("a saved decision wrote %d activity entries, want 1", got-before)
	}
}

func TestControlUpdatesAreValidatedAndGuardedByVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, owner := f.org(t, "acme")
	other, _, stranger := f.org(t, "other")
	_ = other
	auditor := f.user(t, o, "auditor@acme.example", aims.RoleAuditor)
	viewer := f.user(t, o, "viewer@acme.example", aims.RoleViewer)
	ok := control.Update{Applicability: control.Applicable, Justification: "We build models.", Status: control.Planned}
	for name, tc := range map[string]struct {
		change func(u *control.Update)
		field  string
	}{
		"an unknown applicability":  {func(u *control.Update) { u.Applicability = "maybe" }, "applicability"},
		"an unknown status":         {func(u *control.Update) { u.Status = "done" }, "status"},
		"a target date not a date":  {func(u *control.Update) { u.TargetDate = "2026-02-30" }, "target_date"},
		"a target date in US order": {func(u *control.Update) { u.TargetDate = "06/30/2026" }, "target_date"},
		"an owner of another org":   {func(u *control.Update) { u.OwnerID = stranger.ID }, "owner_id"},
		"an owner that is no id":    {func(u *control.Update) { u.OwnerID = "bob" }, "owner_id"},
		"an auditor as owner":       {func(u *control.Update) { u.OwnerID = auditor.ID }, "owner_id"},
		"a viewer as owner":         {func(u *control.Update) { u.OwnerID = viewer.ID }, "owner_id"},
		"a justification too long":  {func(u *control.Update) { u.Justification = strings.Repeat("x", 4001) }, "justification"},
		"a control character":       {func(u *control.Update) { u.Justification = "bell\a" }, "justification"},
	} {
		t.Run(name, func(t *testing.T) {
			u := ok
			tc.change(&u)
			_, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.2.2", u, 0)
			wantCode(t, err, aims.EINVALID, tc.field)
		})
	}
	u := ok
	u.OwnerID, u.TargetDate, u.Notes = owner.ID, "2026-06-30", "Line one\nline two"
	c, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.2.2", u, 1)
	if err != nil || c.OwnerName != owner.Name || !c.HasOwner() || c.TargetDate != "2026-06-30" || c.Version != 2 {
		t.Fatalf("saved %+v, %v", c, err)
	}
	_, err = f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.2.2", ok, 1)
	wantCode(t, err, aims.EPRECONDITION, "")
	if c, _ := f.svc.Control(ctx, o.ID, framework.ISO42001, "A.2.2"); c.OwnerID != owner.ID || c.Version != 2 {
		t.Fatalf("a stale update changed the control: %+v", c)
	}

	t.Run("clause items always apply", func(t *testing.T) {
		_, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "6.1.3", control.Update{Applicability: control.Excluded,
			Justification: "no", Status: control.NotStarted}, 0)
		wantCode(t, err, aims.EINVALID, "applicability")
		c, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "6.1.3", control.Update{Status: control.Implemented}, 0)
		if err != nil || c.Applicability != control.Applicable || c.Status != control.Implemented || c.InSoA {
			t.Fatalf("clause 6.1.3: %+v, %v", c, err)
		}
	})
	t.Run("headings and unknown refs are not found", func(t *testing.T) {
		for _, ref := range []string{"A.6", "A.99", "6.1"} {
			_, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, ref, ok, 0)
			wantCode(t, err, aims.ENOTFOUND, "")
		}
	})
	t.Run("a control of another framework must be in the SoA first", func(t *testing.T) {
		_, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO27001, "A.5.1", ok, 0)
		wantCode(t, err, aims.ECONFLICT, "")
	})
}

func TestProposalsFillUndecidedControlsOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	if _, err := f.svc.ApplyProposals(ctx, o.ID); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("proposals without AI roles: %v", err)
	}
	if _, err := f.svc.UpdateProfile(ctx, o.ID, control.ProfileUpdate{AIRoles: []string{"ai_customer", "nope"}, EUDates: "published"}, 0); aims.ErrorField(err) != "ai_roles" {
		t.Fatalf("an unknown role: %v", err)
	}
	p, err := f.svc.UpdateProfile(ctx, o.ID, control.ProfileUpdate{AIRoles: []string{"ai_subject", "ai_customer"}, EURoles: []string{}, EUDates: "amended"}, 1)
	if err != nil || p.Version != 2 || strings.Join(p.AIRoles, ",") != "ai_customer,ai_subject" {
		t.Fatalf("profile %+v, %v", p, err)
	}
	// The organization decided one control itself before asking for proposals.
	own := "We do fine-tune models for our own use, so we set objectives for it."
	if _, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.6.1.2", control.Update{Applicability: control.Applicable,
		Justification: own, Status: control.Planned}, 0); err != nil {
		t.Fatal(err)
	}
	before := f.entries(t, o.ID)
	applied, err := f.svc.ApplyProposals(ctx, o.ID)
	if err != nil || len(applied) != 37 {
		t.Fatalf("applied %d proposals, %v; want 37", len(applied), err)
	}
	if got := f.entries(t, o.ID) - before; got != 37 {
		t.Fatalf("the proposals wrote %d activity entries, want one per control", got)
	}
	cat := f.svc.Catalog()
	for ref, want := range map[string]string{"A.6.1.2": control.Applicable, "A.6.2.2": control.Excluded, "A.2.2": control.Applicable, "A.10.4": control.Excluded} {
		c, err := f.svc.Control(ctx, o.ID, framework.ISO42001, ref)
		if err != nil || c.Applicability != want {
			t.Errorf("%s is %q (%v), want %q", ref, c.Applicability, err, want)
		}
		switch {
		case ref == "A.6.1.2" && c.Justification != own:
			t.Errorf("the proposals overwrote the organization's decision on A.6.1.2: %q", c.Justification)
		case ref == "A.6.2.2" && c.Justification != cat.RoleDefaults[ref].JustificationExcluded:
			t.Errorf("A.6.2.2 justification %q", c.Justification)
		}
	}
	again, err := f.svc.ApplyProposals(ctx, o.ID)
	if err != nil || len(again) != 0 {
		t.Fatalf("applying again decided %d controls, %v", len(again), err)
	}
}

func TestApprovalFreezesNumberedVersionsThatLaterEditsDoNotChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, cto := f.org(t, "acme")

	_, err := f.svc.Approve(ctx, o.ID, "")
	var inc *control.IncompleteError
	if !errors.As(err, &inc) || aims.ErrorCode(err) != aims.ECONFLICT || len(inc.Items) != 38 {
		t.Fatalf("approving an undecided SoA: %v", err)
	}
	if !strings.Contains(aims.ErrorMessage(err), "A.2.2, A.2.3") {
		t.Errorf("the refusal does not list the controls: %s", aims.ErrorMessage(err))
	}
	f.decideAll(t, ctx, o.ID)
	v1, err := f.svc.Approve(ctx, o.ID, "First SoA, approved by the CTO.")
	if err != nil || v1.Number != 1 || v1.ApprovedByName != cto.Name || len(v1.Hash) != 64 {
		t.Fatalf("version 1: %+v, %v", v1, err)
	}
	changed := "Every model release is verified against its acceptance criteria (changed after v1)."
	if _, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.6.2.4", control.Update{Applicability: control.Applicable,
		Justification: changed, Status: control.Implemented, OwnerID: cto.ID}, 0); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(f.clk.Now().Add(24 * time.Hour))
	v2, err := f.svc.Approve(ctx, o.ID, "")
	if err != nil || v2.Number != 2 || !v2.ApprovedAt.After(v1.ApprovedAt) {
		t.Fatalf("version 2: %+v, %v", v2, err)
	}
	_, frozen, err := f.svc.Version(ctx, o.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range frozen.Rows {
		if r.Ref == "A.6.2.4" && (r.Justification == changed || r.Status != control.NotStarted) {
			t.Fatalf("version 1 changed with the live SoA: %+v", r)
		}
	}
	if frozen.Version != 1 || frozen.ApprovedBy != cto.Name || frozen.Note != "First SoA, approved by the CTO." || frozen.Hash != v1.Hash {
		t.Fatalf("version 1 reads back as %+v", frozen)
	}
	vs, next, err := f.svc.Versions(ctx, o.ID, pageOf(1))
	if err != nil || len(vs) != 1 || vs[0].Number != 2 || next == "" {
		t.Fatalf("first page of versions %+v, %q, %v", vs, next, err)
	}
	vs, next, err = f.svc.Versions(ctx, o.ID, pageOfCursor(next))
	if err != nil || len(vs) != 1 || vs[0].Number != 1 || next != "" {
		t.Fatalf("second page of versions %+v, %q, %v", vs, next, err)
	}

	d, err := f.svc.Diff(ctx, o.ID, "1", "2")
	if err != nil || len(d.Changes) != 1 || d.Changes[0].Ref != "A.6.2.4" || d.Changes[0].Kind != control.ChangeChanged {
		t.Fatalf("diff 1..2: %+v, %v", d, err)
	}
	got := map[string][2]string{}
	for _, fc := range d.Changes[0].Fields {
		got[fc.Field] = [2]string{fc.From, fc.To}
	}
	if got["justification"][1] != changed || got["status"] != [2]string{"not_started", "implemented"} || got["owner"] != [2]string{"", cto.Name} {
		t.Fatalf("the changes of A.6.2.4: %+v", got)
	}
	if d, err := f.svc.Diff(ctx, o.ID, "2", control.Live); err != nil || len(d.Changes) != 0 {
		t.Fatalf("diff 2..live: %+v, %v", d, err)
	}
	if _, err := f.svc.AddToSoA(ctx, o.ID, framework.ISO27001, "A.5.1", ""); err != nil {
		t.Fatal(err)
	}
	if d, err := f.svc.Diff(ctx, o.ID, "2", ""); err != nil || len(d.Changes) != 1 || d.Changes[0].Kind != control.ChangeAdded {
		t.Fatalf("diff 2..live after adding a control: %+v, %v", d, err)
	}
	if _, err := f.svc.Diff(ctx, o.ID, "3", "live"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("a diff from a version that does not exist: %v", err)
	}
	if _, err := f.svc.Diff(ctx, o.ID, "1", "x"); aims.ErrorField(err) != "to" {
		t.Fatalf("a diff to something that is not a version: %v", err)
	}
	other, octx, _ := f.org(t, "other")
	if _, _, err := f.svc.Version(octx, other.ID, 1); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("another organization reads version 1: %v", err)
	}
}

func TestTheSoAShowsItsChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, owner := f.org(t, "acme")
	f.decideAll(t, ctx, o.ID)
	leaver := f.user(t, o, "leaver@acme.example", aims.RoleContributor)
	set := func(ref, owner, target, status string) {
		t.Helper()
		c, err := f.svc.Control(ctx, o.ID, framework.ISO42001, ref)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, ref, control.Update{Applicability: c.Applicability,
			Justification: c.Justification, Status: status, OwnerID: owner, TargetDate: target}, 0); err != nil {
			t.Fatal(err)
		}
	}
	set("A.2.2", owner.ID, "2026-05-05", control.Partial)     // overdue yesterday
	set("A.2.3", owner.ID, "2026-05-06", control.Planned)     // due today: not overdue
	set("A.2.4", owner.ID, "2026-01-01", control.Implemented) // done
	set("A.3.2", leaver.ID, "", control.Planned)
	m, err := f.db.MembershipOf(ctx, o.ID, leaver.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accts.RemoveMember(ctx, o.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	soa, err := f.svc.SoA(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	refs := func(items []control.CheckItem) string {
		var out []string
		for _, c := range items {
			out = append(out, c.Ref)
		}
		return strings.Join(out, " ")
	}
	if got := refs(soa.Checks.Overdue); got != "A.2.2" {
		t.Errorf("overdue: %s", got)
	}
	if got := refs(soa.Checks.NoOwner); strings.Contains(got, "A.2.2") || !strings.Contains(got, "A.3.2") || !strings.Contains(got, "A.3.3") {
		t.Errorf("no owner: %s", got)
	}
	if len(soa.Checks.Undecided) != 0 || len(soa.Rows) != 38 || soa.Summary.Implemented != 1 || soa.Summary.Partial != 1 {
		t.Errorf("undecided %v, %d rows, summary %+v", soa.Checks.Undecided, len(soa.Rows), soa.Summary)
	}
	groups := soa.Groups()
	if len(groups) != 10 || groups[0].Ref != "A.2" || groups[0].Title != "Policies related to AI" || groups[5].Ref != "A.6.2" {
		t.Errorf("groups %d: %+v", len(groups), groups[0])
	}
}

func TestControlsAddedToTheSoA(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	other, octx, _ := f.org(t, "other")
	c, err := f.svc.AddToSoA(ctx, o.ID, control.OwnKey, " LL-01 ", "Publish a model card for every release")
	if err != nil || !c.InSoA || c.Ref != "LL-01" || c.Framework != control.OwnKey || c.Applicability != control.Undecided {
		t.Fatalf("own control: %+v, %v", c, err)
	}
	if _, err := f.svc.AddToSoA(ctx, o.ID, control.OwnKey, "LL-01", "Again"); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("the same own control twice: %v", err)
	}
	if _, err := f.svc.AddToSoA(ctx, o.ID, control.OwnKey, "LL/02", "Slash"); aims.ErrorField(err) != "ref" {
		t.Fatalf("a ref with a slash: %v", err)
	}
	if _, err := f.svc.AddToSoA(ctx, o.ID, framework.ISO27001, "A.5.1", ""); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		key, ref, title, code, field string
	}{
		"one in the SoA already":  {framework.ISO27001, "A.5.1", "", aims.ECONFLICT, "ref"},
		"a clause":                {framework.ISO27001, "4.1", "", aims.EINVALID, "ref"},
		"an unknown ref":          {framework.ISO27001, "A.99", "", aims.ENOTFOUND, "ref"},
		"an Annex A control":      {framework.ISO42001, "A.2.2", "", aims.EINVALID, "framework"},
		"a title for a built-in":  {framework.ISO27001, "A.5.2", "Mine", aims.EINVALID, "title"},
		"an unknown framework":    {"nope", "A.1", "", aims.ENOTFOUND, "ref"},
		"another org's framework": {control.OwnKey, "LL-01", "", aims.EINVALID, "title"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.AddToSoA(ctx, o.ID, tc.key, tc.ref, tc.title)
			wantCode(t, err, tc.code, tc.field)
		})
	}
	soa, err := f.svc.SoA(ctx, o.ID)
	if err != nil || len(soa.Rows) != 40 || soa.Rows[38].Framework != framework.ISO27001 || soa.Rows[39].Ref != "LL-01" {
		t.Fatalf("SoA with added controls: %d rows, %v", len(soa.Rows), err)
	}
	// The other organization sees neither the own control nor the added one.
	if _, err := f.svc.Control(octx, other.ID, control.OwnKey, "LL-01"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("another organization reads the own control: %v", err)
	}
	if s, _ := f.svc.SoA(octx, other.ID); len(s.Rows) != 38 {
		t.Fatalf("the other organization's SoA has %d rows", len(s.Rows))
	}
	if err := f.svc.RemoveFromSoA(ctx, o.ID, framework.ISO42001, "A.2.2"); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("removing an Annex A control: %v", err)
	}
	if err := f.svc.RemoveFromSoA(ctx, o.ID, framework.ISO27001, "A.5.1"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RemoveFromSoA(ctx, o.ID, framework.ISO27001, "A.5.1"); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("removing twice: %v", err)
	}
	if c, err := f.svc.AddToSoA(ctx, o.ID, framework.ISO27001, "A.5.1", ""); err != nil || !c.InSoA {
		t.Fatalf("adding back: %+v, %v", c, err)
	}
}

func TestLinksBelongToOneOrganization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	other, octx, _ := f.org(t, "other")
	l, err := f.svc.AddLink(ctx, o.ID, framework.ISO42001, "5.2", control.LinkDocument, "AI policy v3", "DMS-1042")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddLink(ctx, o.ID, framework.ISO42001, "A.6.2.4", control.LinkURL, "Eval run", "javascript:alert(1)"); aims.ErrorField(err) != "target" {
		t.Fatalf("a javascript: link: %v", err)
	}
	if _, err := f.svc.AddLink(ctx, o.ID, framework.ISO42001, "A.6.2.4", "file", "x", ""); aims.ErrorField(err) != "kind" {
		t.Fatalf("an unknown kind: %v", err)
	}
	c, err := f.svc.Control(ctx, o.ID, framework.ISO42001, "5.2")
	if err != nil || len(c.Links) != 1 || c.Links[0].Title != "AI policy v3" || c.LinkCount != 1 {
		t.Fatalf("clause 5.2 links: %+v, %v", c, err)
	}
	if err := f.svc.RemoveLink(octx, other.ID, framework.ISO42001, "5.2", l.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("another organization removed the link: %v", err)
	}
	if err := f.svc.RemoveLink(ctx, o.ID, framework.ISO42001, "5.3", l.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Fatalf("removed the link through another clause: %v", err)
	}
	if err := f.svc.RemoveLink(ctx, o.ID, framework.ISO42001, "5.2", l.ID); err != nil {
		t.Fatal(err)
	}
}

func TestObligationsFollowTheEURolesAndDateSet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	ob, err := f.svc.Obligations(ctx, o.ID)
	if err != nil || len(ob.Items) != 0 || ob.DateSet.Key != control.DatesAmended || !ob.DateSet.InForce || len(ob.DateSets) != 2 {
		t.Fatalf("a new organization without EU roles: %+v, %v", ob, err)
	}
	if _, err := f.svc.UpdateProfile(ctx, o.ID, control.ProfileUpdate{AIRoles: []string{}, EURoles: []string{"deployer"}, EUDates: control.DatesAmended}, 0); err != nil {
		t.Fatal(err)
	}
	ob, err = f.svc.Obligations(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	byArticle := map[string]control.Obligation{}
	for _, it := range ob.Items {
		byArticle[it.Article] = it
		for _, r := range it.Roles {
			if r != "deployer" {
				t.Errorf("article %s lists role %s", it.Article, r)
			}
		}
	}
	if _, ok := byArticle["16"]; ok {
		t.Error("a deployer is bound by Art. 16, a provider obligation")
	}
	a26 := byArticle["26"]
	if a26.Title == "" || a26.AppliesFrom != "2027-12-02" || a26.DateAnnexIII != "2027-12-02" || a26.DateAnnexI != "2028-08-02" {
		t.Errorf("Art. 26 under the amended dates: %+v", a26)
	}
	// Art. 50 binds by paragraph: (1) and (2) providers, (3) and (4) deployers.
	for _, ref := range []string{"50(3)", "50(4)"} {
		if a50 := byArticle[ref]; a50.AppliesFrom != "2026-08-02" || a50.DateAnnexI != "" {
			t.Errorf("Art. %s: %+v", ref, a50)
		}
	}
	for _, ref := range []string{"50", "50(1)", "50(2)"} {
		if _, ok := byArticle[ref]; ok {
			t.Errorf("a deployer is bound by Art. %s, a provider obligation", ref)
		}
	}
	if a27 := byArticle["27"]; a27.AppliesFrom != "2027-12-02" {
		t.Errorf("Art. 27, which a deployer that is a public body may owe: %+v", a27)
	}
	if ob.DateSet.Key != control.DatesAmended || ob.DateSet.Status == "" {
		t.Errorf("date set %+v", ob.DateSet)
	}
}

func TestCoverageThroughTheMappings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	cov, err := f.svc.Coverage(ctx, o.ID, framework.NISTAIRMF)
	if err != nil || cov.Targets != 72 || cov.Covered != 0 || cov.Covered+cov.Partial+cov.Open+cov.Unmapped != 72 {
		t.Fatalf("NIST coverage of nothing: %+v, %v", cov, err)
	}
	// GOVERN 1.1 is mapped from clause 4.1 and A.2.2 among others.
	var g11 control.CoverageItem
	for _, it := range cov.Items {
		if it.Ref == "GOVERN 1.1" {
			g11 = it
		}
	}
	if g11.State != control.CoverOpen || len(g11.Via) == 0 {
		t.Fatalf("GOVERN 1.1 before: %+v", g11)
	}
	f.decideAll(t, ctx, o.ID)
	if _, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "4.1", control.Update{Status: control.Partial}, 0); err != nil {
		t.Fatal(err)
	}
	cov, _ = f.svc.Coverage(ctx, o.ID, framework.NISTAIRMF)
	if st := stateOf(cov, "GOVERN 1.1"); st != control.CoverPartial {
		t.Fatalf("GOVERN 1.1 with 4.1 partly implemented: %s", st)
	}
	if _, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.2.2", control.Update{Applicability: control.Applicable,
		Justification: "We have an AI policy.", Status: control.Implemented}, 0); err != nil {
		t.Fatal(err)
	}
	cov, _ = f.svc.Coverage(ctx, o.ID, framework.NISTAIRMF)
	if st := stateOf(cov, "GOVERN 1.1"); st != control.CoverCovered || cov.Covered == 0 || cov.Percent != cov.Covered*100/72 {
		t.Fatalf("GOVERN 1.1 with A.2.2 implemented: %s, %+v", st, cov.Covered)
	}
	// The EU AI Act counts only the articles that bind the declared roles (a provider, from decideAll).
	eu, err := f.svc.Coverage(ctx, o.ID, framework.EUAIAct)
	if err != nil || eu.Targets == 0 {
		t.Fatalf("EU coverage: %+v, %v", eu, err)
	}
	for _, it := range eu.Items {
		if it.Ref == "26" {
			t.Error("Art. 26 (deployers) counts for a provider")
		}
	}
	if _, err := f.svc.Coverage(ctx, o.ID, framework.ISO27001); aims.ErrorField(err) != "framework" {
		t.Fatalf("coverage of an unsupported framework: %v", err)
	}
}

func stateOf(c *control.Coverage, ref string) string {
	for _, it := range c.Items {
		if it.Ref == ref {
			return it.State
		}
	}
	return "missing"
}

func TestConcurrentChangesToOneControlLoseNoUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := f.svc.UpdateControl(ctx, o.ID, framework.ISO42001, "A.2.2", control.Update{Applicability: control.Applicable,
				Justification: fmt.Sprintf("Writer %d.", i), Status: control.Planned}, 1)
			errs <- err
		}()
	}
	won := 0
	for range n {
		switch err := <-errs; aims.ErrorCode(err) {
		case "":
			won++
		case aims.EPRECONDITION:
		default:
			t.Errorf("a concurrent change failed with %v", err)
		}
	}
	c, err := f.svc.Control(ctx, o.ID, framework.ISO42001, "A.2.2")
	if won != 1 || err != nil || c.Version != 2 {
		t.Fatalf("%d writers won; the control is at version %d (%v)", won, c.Version, err)
	}
	if _, err := f.db.VerifyActivity(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
}

// TestDateSetsSayWhatIsInForceAndArt4FollowsTheChosenVersion checks the two versions of the Regulation
// against its text: the amended dates are in force and the published ones superseded; Art. 4 as amended
// asks providers and deployers to take measures supporting AI literacy, while as first published it asked
// them to ensure a sufficient level of it.
func TestDateSetsSayWhatIsInForceAndArt4FollowsTheChosenVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, ctx, _ := f.org(t, "acme")
	art4 := func(dates string) (control.DateSet, []control.DateSet, string) {
		t.Helper()
		if _, err := f.svc.UpdateProfile(ctx, o.ID, control.ProfileUpdate{AIRoles: []string{}, EURoles: []string{"provider"}, EUDates: dates}, 0); err != nil {
			t.Fatal(err)
		}
		ob, err := f.svc.Obligations(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range ob.Items {
			if it.Article == "4" {
				return ob.DateSet, ob.DateSets, it.Obligation
			}
		}
		t.Fatalf("no Art. 4 for a provider under the %s dates", dates)
		return control.DateSet{}, nil, ""
	}
	set, sets, text := art4(control.DatesAmended)
	if !set.InForce || !strings.HasPrefix(set.Status, "In force") {
		t.Errorf("the amended dates: %+v", set)
	}
	if !strings.Contains(text, "measures to support") || strings.Contains(text, "sufficient level") {
		t.Errorf("Art. 4 as amended: %q", text)
	}
	inForce := 0
	for _, ds := range sets {
		if ds.InForce {
			inForce++
		}
	}
	if inForce != 1 {
		t.Errorf("%d date sets in force: %+v", inForce, sets)
	}
	set, _, text = art4(control.DatesPublished)
	if set.InForce || !strings.HasPrefix(set.Status, "Superseded") || !strings.Contains(set.Status, "kept for comparison") {
		t.Errorf("the published dates: %+v", set)
	}
	if !strings.Contains(text, "sufficient level of AI literacy") {
		t.Errorf("Art. 4 as first published: %q", text)
	}
}
