package impact_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

type fixture struct {
	db                 *store.DB
	sv                 *app.Services
	org                *account.Organization
	manager, contrib   context.Context
	managerID, ownerID string
}

var today = time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	sv.Impacts.Now = func() time.Time { return today }
	f := &fixture{db: db, sv: sv}
	if f.org, err = sv.Accounts.CreateOrganization(context.Background(), "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
	f.manager, f.managerID = f.member(t, f.org, "manager@lumen.example", aims.RoleManager)
	f.contrib, f.ownerID = f.member(t, f.org, "ml@lumen.example", aims.RoleContributor)
	return f
}

// member adds a member with role and returns a context acting as them, and their id.
func (f *fixture) member(t *testing.T, org *account.Organization, email string, role aims.Role) (context.Context, string) {
	t.Helper()
	u, err := f.sv.Accounts.CreateUser(context.Background(), email, "Person "+strings.Split(email, "@")[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Accounts.AddMember(context.Background(), org.ID, email, role); err != nil {
		t.Fatal(err)
	}
	return aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name, UserID: u.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: role}), u.ID
}

// classify classifies sys as a high-risk employment system (Annex III, 4(a)) deployed by deployerType:
// Article 27 applies to a public body's, not to a private company's.
func (f *fixture) classify(t *testing.T, sys *system.System, deployerType string) {
	t.Helper()
	a := map[string]string{"scope_military": "no", "scope_research": "no", "scope_open_source": "no", "scope_personal": "no",
		"prohibited_intimate": "no", "annex_i_section": "none", "annex_iii_area": "4", "annex_iii_point_4": "a", "derogation_risk": "no",
		"profiling": "yes", "deployer_type": deployerType, "transparency_interacts": "no", "transparency_synthetic": "no",
		"transparency_emotion": "no", "transparency_deepfake": "no", "gpai": "no"}
	for _, l := range "abcdefgh" {
		a["prohibited_"+string(l)] = "no"
	}
	if _, err := f.sv.Systems.Classify(f.manager, f.org.ID, sys.ID, system.ClassificationInput{Answers: a}, 0); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) system(t *testing.T, name string) *system.System {
	t.Helper()
	s, err := f.sv.Systems.Create(f.manager, f.org.ID, system.Fields{Name: name, Purpose: "Screens CVs", IntendedUse: "Rank applications for recruiters",
		ForeseeableMisuse: "Rejecting people without review", EURole: "deployer", Stage: "design_and_development", OwnerID: f.ownerID,
		HumanOversight: "A recruiter reviews every ranking"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fields() impact.Fields {
	return impact.Fields{Scope: "The screening of applications for engineering roles.",
		Affected: []impact.Party{{Name: "Applicants", Vulnerable: true, Note: "They depend on the outcome."}},
		Impacts: []impact.Impact{{Area: "fundamental_rights", Party: "Applicants", Description: "Indirect discrimination by gender.",
			Likelihood: 2, Severity: 3}}}
}

func fria() *impact.FRIA {
	return &impact.FRIA{Processes: "Recruiting", Period: "All year, every application", Persons: "Applicants", Harms: "Discrimination",
		Oversight: "A recruiter reviews each", Measures: "Complaints to HR; the AI committee reviews"}
}

func field(err error) string { return aims.ErrorField(err) }

// TestCreatePrefillsFromTheSystemRecord: a new assessment is a draft, version 1, whose intended use,
// foreseeable misuse and owner come from the system's record when not given.
func TestCreatePrefillsFromTheSystemRecord(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.system(t, "TalentMatch")
	a, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, fields())
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != 1 || a.Status != impact.StatusDraft || a.IntendedUse != s.IntendedUse || a.ForeseeableMisuse != s.ForeseeableMisuse ||
		a.OwnerID != f.ownerID || a.FRIA != nil || a.FRIARequired {
		t.Fatalf("created: %+v", a)
	}
	if _, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, fields()); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Errorf("a second assessment of the system = %v, want conflict", err)
	}
}

// TestBadInputNamesTheField: an unknown area, a likelihood or severity outside the scale, a mitigation that
// is neither a risk nor a control are EINVALID naming the field.
func TestBadInputNamesTheField(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.system(t, "TalentMatch")
	for name, c := range map[string]struct {
		change func(*impact.Fields)
		field  string
	}{
		"unknown area":         {func(x *impact.Fields) { x.Impacts[0].Area = "weather" }, "impacts[0].area"},
		"likelihood above":     {func(x *impact.Fields) { x.Impacts[0].Likelihood = 5 }, "impacts[0].likelihood"},
		"severity below":       {func(x *impact.Fields) { x.Impacts[0].Severity = 0 }, "impacts[0].severity"},
		"no description":       {func(x *impact.Fields) { x.Impacts[0].Description = " " }, "impacts[0].description"},
		"a party without name": {func(x *impact.Fields) { x.Affected[0].Name = "" }, "affected[0].name"},
		"mitigation by system": {func(x *impact.Fields) { x.Impacts[0].Mitigations = []string{"system:" + s.ID} }, "impacts[0].mitigations[0]"},
		"unknown risk":         {func(x *impact.Fields) { x.Impacts[0].Mitigations = []string{"risk:" + aims.NewID()} }, "impacts[0].mitigations[0]"},
		"bad date":             {func(x *impact.Fields) { x.ReassessBy = "next year" }, "reassess_by"},
		"fria where no Art 27": {func(x *impact.Fields) { x.FRIA = fria() }, "fria"},
	} {
		x := fields()
		c.change(&x)
		_, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, x)
		if aims.ErrorCode(err) != aims.EINVALID || field(err) != c.field {
			t.Errorf("%s: %v (field %q), want invalid on %s", name, err, field(err), c.field)
		}
	}
}

// TestAnApprovedVersionNeverChanges: editing an approved version makes a draft of the next version,
// copied from it; the approved one stays, and both are listed.
func TestAnApprovedVersionNeverChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.system(t, "TalentMatch")
	a, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, fields())
	if err != nil {
		t.Fatal(err)
	}
	if a, err = f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, 1, a.Rev); err != nil {
		t.Fatal(err)
	}
	if a.Status != impact.StatusApproved || a.ApprovedBy != f.managerID || a.ReassessBy != "2028-03-10" || a.Approved != 1 {
		t.Fatalf("approved: %+v", a)
	}
	x := impact.FieldsOf(a)
	x.Scope = "Every role."
	b, created, err := f.sv.Impacts.Update(f.contrib, f.org.ID, s.ID, 1, x, a.Rev)
	if err != nil || !created || b.Version != 2 || b.Status != impact.StatusDraft || b.Scope != "Every role." || len(b.Impacts) != 1 {
		t.Fatalf("editing the approved version: %+v, created %v, %v", b, created, err)
	}
	v1, err := f.sv.Impacts.Assessment(f.contrib, f.org.ID, s.ID, 1)
	if err != nil || v1.Scope != fields().Scope || v1.Status != impact.StatusApproved {
		t.Fatalf("version 1 after: %+v, %v", v1, err)
	}
	x.Scope = "Every role, again."
	if _, _, err := f.sv.Impacts.Update(f.contrib, f.org.ID, s.ID, 1, x, 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Errorf("editing version 1 with version 2 there = %v, want conflict", err)
	}
	if _, _, err := f.sv.Impacts.Update(f.contrib, f.org.ID, s.ID, 2, x, b.Rev+5); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Errorf("a lost update = %v, want precondition", err)
	}
	c, created, err := f.sv.Impacts.Update(f.contrib, f.org.ID, s.ID, 2, x, b.Rev)
	if err != nil || created || c.Version != 2 || c.Rev != b.Rev+1 {
		t.Fatalf("editing the draft: %+v, created %v, %v", c, created, err)
	}
	vs, err := f.sv.Impacts.Versions(f.contrib, f.org.ID, s.ID)
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
		t.Fatalf("versions: %v, %v", vs, err)
	}
}

// TestApprovalTakesAManager: a contributor may not approve; the approver is the person acting.
func TestApprovalTakesAManager(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.system(t, "TalentMatch")
	if _, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, fields()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Impacts.Approve(f.contrib, f.org.ID, s.ID, 1, 0); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Errorf("a contributor's approval = %v, want forbidden", err)
	}
	// A manager's token made by a contributor does not make them an approver: the membership decides too.
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorToken, ID: "tok", Name: "ci", UserID: f.ownerID, OrgID: f.org.ID,
		Role: aims.RoleManager})
	if _, err := f.sv.Impacts.Approve(ctx, f.org.ID, s.ID, 1, 0); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Errorf("a contributor's manager token = %v, want forbidden", err)
	}
	if _, err := f.sv.Impacts.Approve(context.Background(), f.org.ID, s.ID, 1, 0); aims.ErrorCode(err) != aims.EFORBIDDEN {
		t.Errorf("an approval by no one = %v, want forbidden", err)
	}
	if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, 1, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, 1, 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Errorf("approving again = %v, want conflict", err)
	}
}

// TestFRIAOnlyWhereArticle27Applies: a public body's high-risk employment system needs every FRIA element
// before approval, named one by one; a private company's refuses them.
func TestFRIAOnlyWhereArticle27Applies(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	public := f.system(t, "CityHiring")
	f.classify(t, public, "public_body")
	private := f.system(t, "TalentMatch")
	f.classify(t, private, "private")

	a, err := f.sv.Impacts.Create(f.contrib, f.org.ID, public.ID, fields())
	if err != nil {
		t.Fatal(err)
	}
	if !a.FRIARequired || a.FRIA == nil || a.FRIA.Oversight != public.HumanOversight {
		t.Fatalf("the public body's assessment: %+v", a)
	}
	if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, public.ID, 1, 0); aims.ErrorCode(err) != aims.EINVALID || field(err) != "fria.processes" ||
		!strings.Contains(aims.ErrorMessage(err), "27(1)(a)") {
		t.Fatalf("approving without the FRIA elements = %v (%s)", err, field(err))
	}
	x := impact.FieldsOf(a)
	x.FRIA = fria()
	x.FRIA.Measures = ""
	if _, _, err := f.sv.Impacts.Update(f.contrib, f.org.ID, public.ID, 1, x, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, public.ID, 1, 0); field(err) != "fria.measures" {
		t.Fatalf("approving without (f) = %v (%s)", err, field(err))
	}
	x.FRIA = fria()
	if _, _, err := f.sv.Impacts.Update(f.contrib, f.org.ID, public.ID, 1, x, 0); err != nil {
		t.Fatal(err)
	}
	if a, err = f.sv.Impacts.Approve(f.manager, f.org.ID, public.ID, 1, 0); err != nil || *a.FRIA != *fria() {
		t.Fatalf("approving with the FRIA elements: %+v, %v", a, err)
	}

	b, err := f.sv.Impacts.Create(f.contrib, f.org.ID, private.ID, fields())
	if err != nil || b.FRIARequired || b.FRIA != nil {
		t.Fatalf("the private company's assessment: %+v, %v", b, err)
	}
	y := impact.FieldsOf(b)
	y.FRIA = fria()
	if _, _, err := f.sv.Impacts.Update(f.contrib, f.org.ID, private.ID, 1, y, 0); field(err) != "fria" {
		t.Errorf("FRIA elements where Art. 27 does not apply = %v", err)
	}
	if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, private.ID, 1, 0); err != nil {
		t.Errorf("approving without FRIA where Art. 27 does not apply: %v", err)
	}
}

// TestMaterialChangesMakeTheApprovedAssessmentStale: each material change of the system marks its
// approved assessment stale with the reason and gives the owner a task; approving again clears it.
func TestMaterialChangesMakeTheApprovedAssessmentStale(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(f *fixture, s *system.System){
		"purpose": func(f *fixture, s *system.System) {
			f.edit(t, s, func(x *system.Fields) { x.Purpose = "Screens and interviews" })
		},
		"intended use": func(f *fixture, s *system.System) {
			f.edit(t, s, func(x *system.Fields) { x.IntendedUse = "Reject applications" })
		},
		"deployment": func(f *fixture, s *system.System) { f.edit(t, s, func(x *system.Fields) { x.Stage = "deployment" }) },
		"component": func(f *fixture, s *system.System) {
			c, err := f.sv.Components.CreateComponent(f.manager, f.org.ID, component.ComponentFields{Kind: "model", Name: "cv-ranker"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.sv.Components.Link(f.manager, f.org.ID, s.ID, c.ID, "", ""); err != nil {
				t.Fatal(err)
			}
		},
		"classification": func(f *fixture, s *system.System) { f.classify(t, s, "private") },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			s := f.system(t, "TalentMatch")
			if _, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, fields()); err != nil {
				t.Fatal(err)
			}
			// A draft does not go stale: nothing was approved.
			f.edit(t, s, func(x *system.Fields) { x.Team = "People" })
			if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, 1, 0); err != nil {
				t.Fatal(err)
			}
			f.edit(t, s, func(x *system.Fields) { x.Team = "Talent" }) // not material
			if a := f.get(t, s); a.Stale {
				t.Fatalf("stale after an immaterial change: %q", a.StaleReason)
			}
			change(f, f.reload(t, s))
			a := f.get(t, s)
			if !a.Stale || a.StaleReason == "" {
				t.Fatalf("not stale after the change: %+v", a)
			}
			ref := record.Ref{Type: record.TypeImpact, ID: a.ID}
			ts, _, err := f.sv.Records.Tasks(f.manager, f.org.ID, record.TaskFilter{Record: &ref}, aims.Page{})
			if err != nil || len(ts) != 1 || ts[0].OwnerID != f.ownerID || !strings.Contains(ts[0].Title, "Reassess") {
				t.Fatalf("tasks: %+v, %v", ts, err)
			}
			list, _, err := f.sv.Impacts.List(f.manager, f.org.ID, impact.Filter{Stale: true}, aims.Page{})
			if err != nil || len(list) != 1 || list[0].StaleReason != a.StaleReason {
				t.Fatalf("stale list: %+v, %v", list, err)
			}
			// A new version approved is in force and fresh.
			b, _, err := f.sv.Impacts.Update(f.contrib, f.org.ID, s.ID, 1, impact.FieldsOf(a), 0)
			if err != nil {
				t.Fatal(err)
			}
			if b, err = f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, b.Version, 0); err != nil || b.Stale {
				t.Fatalf("approving version 2: %+v, %v", b, err)
			}
			if a := f.get(t, s); a.Stale || a.Approved != 2 {
				t.Fatalf("after approving again: %+v", a)
			}
		})
	}
}

// TestAnOverdueAssessmentIsStale: past its reassessment date, the approved version is stale and listed
// as overdue.
func TestAnOverdueAssessmentIsStale(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.system(t, "TalentMatch")
	x := fields()
	x.ReassessBy = "2027-03-01"
	if _, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, x); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, 1, 0); err != nil {
		t.Fatal(err)
	}
	a := f.get(t, s)
	if !a.Stale || !a.Overdue || !strings.Contains(a.StaleReason, "2027-03-01") {
		t.Fatalf("overdue: %+v", a)
	}
	for _, fl := range []impact.Filter{{Overdue: true}, {Stale: true}, {DueBefore: "2027-04-01"}} {
		if list, _, err := f.sv.Impacts.List(f.manager, f.org.ID, fl, aims.Page{}); err != nil || len(list) != 1 || !list[0].Overdue {
			t.Errorf("list %+v: %+v, %v", fl, list, err)
		}
	}
	if list, _, err := f.sv.Impacts.List(f.manager, f.org.ID, impact.Filter{DueBefore: "2027-01-01"}, aims.Page{}); err != nil || len(list) != 0 {
		t.Errorf("due before January: %+v, %v", list, err)
	}
}

// TestMitigationsAreLinksWithinTheOrganization: mitigations become links to the risks and controls named,
// follow edits, and a control of another organization's framework is refused.
func TestMitigationsAreLinksWithinTheOrganization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other, err := f.sv.Accounts.CreateOrganization(context.Background(), "rival", "Rival")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Frameworks.Import(context.Background(), framework.ImportRequest{OrgID: other.ID, Filename: "Rival Controls.csv",
		Data: []byte("ref,title\nRC-1,Their control\n")}); err != nil {
		t.Fatal(err)
	}
	s := f.system(t, "TalentMatch")
	x := fields()
	x.Impacts[0].Mitigations = []string{"control:rival-controls/RC-1"}
	if _, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, x); field(err) != "impacts[0].mitigations[0]" {
		t.Fatalf("another organization's control = %v (%s)", err, field(err))
	}
	x.Impacts[0].Mitigations = []string{"control:iso42001-2023/A.5.4", "control:iso42001-2023/A.5.4"}
	a, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, x)
	if err != nil {
		t.Fatal(err)
	}
	self := record.Ref{Type: record.TypeImpact, ID: a.ID}
	ls, _, err := f.sv.Records.List(f.manager, f.org.ID, record.Filter{From: &self}, aims.Page{})
	if err != nil || len(ls) != 1 || ls[0].To.ID != "iso42001-2023/A.5.4" || ls[0].Relationship != record.RelAddressedBy {
		t.Fatalf("links: %+v, %v", ls, err)
	}
	x.Impacts[0].Mitigations = []string{"control:iso42001-2023/A.5.5"}
	if _, _, err := f.sv.Impacts.Update(f.contrib, f.org.ID, s.ID, 1, x, 0); err != nil {
		t.Fatal(err)
	}
	ls, _, err = f.sv.Records.List(f.manager, f.org.ID, record.Filter{From: &self}, aims.Page{})
	if err != nil || len(ls) != 1 || ls[0].To.ID != "iso42001-2023/A.5.5" {
		t.Fatalf("links after the edit: %+v, %v", ls, err)
	}
	if err := f.sv.Systems.Delete(f.manager, f.org.ID, s.ID); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Errorf("deleting the assessed system = %v, want conflict", err)
	}
}

func (f *fixture) edit(t *testing.T, s *system.System, change func(*system.Fields)) {
	t.Helper()
	s = f.reload(t, s)
	x := system.FieldsOf(s)
	change(&x)
	if _, err := f.sv.Systems.Update(f.manager, f.org.ID, s.ID, x, 0, "Changed for a test."); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) reload(t *testing.T, s *system.System) *system.System {
	t.Helper()
	s, err := f.sv.Systems.System(f.manager, f.org.ID, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// get returns the version in force of s's assessment.
func (f *fixture) get(t *testing.T, s *system.System) *impact.Assessment {
	t.Helper()
	a, err := f.sv.Impacts.Assessment(f.manager, f.org.ID, s.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.Approved > 0 && a.Approved != a.Version {
		if a, err = f.sv.Impacts.Assessment(f.manager, f.org.ID, s.ID, a.Approved); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// TestComponentChangesThatMatter: a new role for a component the system uses already leaves the approved
// assessment as it is; unlinking one, or a BOM import that links new ones, makes it stale.
func TestComponentChangesThatMatter(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"unlink", "bom"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			s := f.system(t, "TalentMatch")
			c, err := f.sv.Components.CreateComponent(f.manager, f.org.ID, component.ComponentFields{Kind: "model", Name: "cv-ranker"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.sv.Components.Link(f.manager, f.org.ID, s.ID, c.ID, "ranker", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, fields()); err != nil {
				t.Fatal(err)
			}
			if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, 1, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := f.sv.Components.Link(f.manager, f.org.ID, s.ID, c.ID, "main ranker", "renamed"); err != nil {
				t.Fatal(err)
			}
			if a := f.get(t, s); a.Stale {
				t.Fatalf("stale after a new role: %q", a.StaleReason)
			}
			want := "unlinked from"
			if how == "unlink" {
				if err := f.sv.Components.Unlink(f.manager, f.org.ID, s.ID, c.ID); err != nil {
					t.Fatal(err)
				}
			} else {
				want = "BOM linked 2 components"
				if _, err := f.sv.Components.ImportBOM(f.manager, f.org.ID, s.ID, bytes.NewReader(aibomtest.Trivial(2)), "bom.json"); err != nil {
					t.Fatal(err)
				}
			}
			if a := f.get(t, s); !a.Stale || !strings.Contains(a.StaleReason, want) {
				t.Fatalf("after %s: stale %v, %q", how, a.Stale, a.StaleReason)
			}
		})
	}
}

// TestTheDailyJobMarksOverdueAssessments: once its reassessment date has passed, the daily run marks an
// approved assessment stale with the reason and gives its owner a task, once; one not due is left alone.
func TestTheDailyJobMarksOverdueAssessments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	due, later := f.system(t, "TalentMatch"), f.system(t, "Chat")
	for s, date := range map[*system.System]string{due: "2027-03-01", later: "2027-12-31"} {
		x := fields()
		x.ReassessBy = date
		if _, err := f.sv.Impacts.Create(f.contrib, f.org.ID, s.ID, x); err != nil {
			t.Fatal(err)
		}
		if _, err := f.sv.Impacts.Approve(f.manager, f.org.ID, s.ID, 1, 0); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		n, err := f.sv.Impacts.MarkOverdue(context.Background(), today)
		if err != nil || n != 1-i {
			t.Fatalf("run %d: marked %d, %v", i+1, n, err)
		}
	}
	a := f.get(t, due)
	ref := record.Ref{Type: record.TypeImpact, ID: a.ID}
	ts, _, err := f.sv.Records.Tasks(f.manager, f.org.ID, record.TaskFilter{Record: &ref}, aims.Page{})
	if !a.Stale || !strings.Contains(a.StaleReason, "2027-03-01") || err != nil || len(ts) != 1 {
		t.Fatalf("the overdue assessment: %+v; tasks %+v, %v", a, ts, err)
	}
	if b := f.get(t, later); b.Stale {
		t.Errorf("the assessment not due: %+v", b)
	}
}
