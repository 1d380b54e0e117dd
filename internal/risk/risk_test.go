package risk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

type fixture struct {
	db  *store.DB
	sv  *app.Services
	org *account.Organization
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	sv.Risks.Now = func() time.Time { return time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC) }
	f := &fixture{db: db, sv: sv}
	if f.org, err = sv.Accounts.CreateOrganization(context.Background(), "lumen", "Lumen Labs"); err != nil {
		t.Fatal(err)
	}
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

func (f *fixture) trail(t *testing.T) int {
	t.Helper()
	n := 0
	if err := f.db.EachActivity(context.Background(), f.org.ID, func(*activity.Entry) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func rating(l int, cs map[string]int) risk.RatingInput {
	return risk.RatingInput{Likelihood: l, Consequences: cs}
}

// TestTheDefaultCriteriaRateByTheWorstAxis: a new organization has the documented default (5x5, four
// levels, Annex C's sources and objectives, version 0 until a risk is rated, then saved as version 1);
// a risk's level is the worst over the axes it is rated on.
func TestTheDefaultCriteriaRateByTheWorstAxis(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, err := f.sv.Risks.Criteria(context.Background(), f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 0 || len(c.Likelihood) != 5 || len(c.Consequence) != 5 || len(c.Levels) != 4 || len(c.Axes) != 4 ||
		len(c.Sources) != 7 || len(c.Objectives) != 11 || c.Sources[0].Key != "C.3.1" || c.Acceptable != "low" {
		t.Fatalf("default criteria: %+v", c)
	}
	for _, tc := range []struct {
		l    int
		cs   map[string]int
		want string
	}{
		{1, map[string]int{"organization": 1}, "low"},
		{2, map[string]int{"organization": 2, "individuals": 3}, "medium"},
		{4, map[string]int{"organization": 1, "society": 4}, "high"},
		{5, map[string]int{"individuals": 5}, "critical"},
		{0, nil, ""},
	} {
		got, err := c.Rate("inherent", tc.l, tc.cs)
		if err != nil || got != tc.want {
			t.Errorf("Rate(%d, %v) = %q, %v; want %q", tc.l, tc.cs, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		l     int
		cs    map[string]int
		field string
	}{
		{6, map[string]int{"organization": 1}, "inherent.likelihood"},
		{2, nil, "inherent.consequences"},
		{2, map[string]int{"planet": 2}, "inherent.consequences"},
		{2, map[string]int{"organization": 0}, "inherent.consequences"},
	} {
		if _, err := c.Rate("inherent", tc.l, tc.cs); aims.ErrorField(err) != tc.field {
			t.Errorf("Rate(%d, %v): %v, want an error on %s", tc.l, tc.cs, err, tc.field)
		}
	}
}

// TestTheRegisterHoldsRisksRatedAgainstTheCriteria: a contributor registers risks of a system and of the
// organization; each is numbered, rated (inherent and residual), owned by a member who may change risks,
// and listed highest level first, filtered and paged; bad input writes nothing; another organization
// sees none of it; a system with risks cannot be deleted.
func TestTheRegisterHoldsRisksRatedAgainstTheCriteria(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	priya, priyaID := f.member(t, f.org, "priya@lumen.example", aims.RoleContributor)
	_, audreyID := f.member(t, f.org, "audrey@audit.example", aims.RoleAuditor)
	other, err := f.sv.Accounts.CreateOrganization(context.Background(), "other", "Other")
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := f.member(t, other, "sam@other.example", aims.RoleOwner)
	talent, err := f.sv.Systems.Create(priya, f.org.ID, system.Fields{Name: "TalentMatch", Purpose: "CV screening."})
	if err != nil {
		t.Fatal(err)
	}
	bias, err := f.sv.Risks.Create(priya, f.org.ID, risk.Fields{Title: "The ranker favours one group of candidates", SystemID: talent.ID,
		Source: "C.3.4", Objective: "C.2.5", OwnerID: priyaID, Inherent: rating(4, map[string]int{"individuals": 5, "organization": 3}),
		ExistingControls: "Quarterly bias evaluation.", Residual: rating(2, map[string]int{"individuals": 4}), ReviewDue: "2027-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	if bias.Ref != "R-1" || bias.Inherent.Level != "critical" || bias.Residual.Level != "medium" || bias.Level() != "medium" ||
		bias.Status != risk.StatusAssessed || bias.CriteriaVersion != 1 || bias.SystemName != "TalentMatch" || bias.OwnerName != "Person priya" ||
		!bias.ReviewOverdue {
		t.Fatalf("registered %+v", bias)
	}
	halluc, err := f.sv.Risks.Create(priya, f.org.ID, risk.Fields{Title: "Assistants state false facts as true", Source: "C.3.2",
		GenAIRisk: "2", Inherent: rating(5, map[string]int{"organization": 4})})
	if err != nil {
		t.Fatal(err)
	}
	ident, err := f.sv.Risks.Create(priya, f.org.ID, risk.Fields{Title: "Hardware shortage delays retraining", Source: "C.3.5"})
	if err != nil {
		t.Fatal(err)
	}
	if halluc.Ref != "R-2" || halluc.Level() != "critical" || ident.Status != risk.StatusIdentified || ident.Level() != "" {
		t.Fatalf("registered %+v and %+v", halluc, ident)
	}

	refs := func(fl risk.Filter, limit int) []string {
		t.Helper()
		var out []string
		p := aims.Page{Limit: limit}
		for {
			rs, next, err := f.sv.Risks.List(context.Background(), f.org.ID, fl, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				out = append(out, r.Ref)
			}
			if next == "" {
				return out
			}
			p.Cursor = next
		}
	}
	for _, tc := range []struct {
		name string
		fl   risk.Filter
		want string
	}{
		{"by level, highest first", risk.Filter{}, "R-2 R-1 R-3"},
		{"by ref", risk.Filter{Sort: "ref"}, "R-1 R-2 R-3"},
		{"by review date", risk.Filter{Sort: "review"}, "R-1 R-2 R-3"},
		{"of the system", risk.Filter{SystemID: talent.ID}, "R-1"},
		{"organization-wide", risk.Filter{OrgWide: true}, "R-2 R-3"},
		{"of a level", risk.Filter{Level: "critical"}, "R-2"},
		{"of an owner", risk.Filter{OwnerID: priyaID}, "R-1"},
		{"of a source", risk.Filter{Source: "C.3.5"}, "R-3"},
		{"of a status", risk.Filter{Status: risk.StatusIdentified}, "R-3"},
		{"review overdue", risk.Filter{Overdue: true}, "R-1"},
		{"searched", risk.Filter{Query: "FALSE facts"}, "R-2"},
	} {
		for _, limit := range []int{1, 100} {
			if got := strings.Join(refs(tc.fl, limit), " "); got != tc.want {
				t.Errorf("%s, pages of %d: %s, want %s", tc.name, limit, got, tc.want)
			}
		}
	}

	h, err := f.sv.Risks.HeatMap(context.Background(), f.org.ID, risk.Filter{}, false)
	if err != nil || h.Total != 2 || h.Counts[3][4] != 1 || h.Counts[4][3] != 1 {
		t.Errorf("inherent heat map: %+v, %v", h, err)
	}
	if h, err = f.sv.Risks.HeatMap(context.Background(), f.org.ID, risk.Filter{}, true); err != nil || h.Total != 1 || h.Counts[1][3] != 1 {
		t.Errorf("residual heat map: %+v, %v", h, err)
	}
	svg := string(h.SVG("Residual risk", func(l, c int) string { return "/risks?l=" + string(rune('0'+l)) }))
	if !strings.Contains(svg, `<a href="/risks?l=2"`) || !strings.Contains(svg, "Likelihood Unlikely, consequence Major: Medium, 1 risk(s)") {
		t.Errorf("the heat map's SVG does not link its risks' cell:\n%s", svg)
	}

	before := f.trail(t)
	for _, tc := range []struct {
		name  string
		f     risk.Fields
		field string
	}{
		{"no title", risk.Fields{Source: "C.3.1"}, "title"},
		{"an unknown source", risk.Fields{Title: "x", Source: "C.9"}, "source"},
		{"an unknown objective", risk.Fields{Title: "x", Source: "C.3.1", Objective: "C.9"}, "objective"},
		{"an unknown generative AI risk", risk.Fields{Title: "x", Source: "C.3.1", GenAIRisk: "13"}, "genai_risk"},
		{"an auditor as owner", risk.Fields{Title: "x", Source: "C.3.1", OwnerID: audreyID}, "owner_id"},
		{"another organization's system", risk.Fields{Title: "x", Source: "C.3.1", SystemID: aims.NewID()}, "system_id"},
		{"a likelihood off the scale", risk.Fields{Title: "x", Source: "C.3.1", Inherent: rating(9, map[string]int{"society": 1})}, "inherent.likelihood"},
		{"residual without inherent", risk.Fields{Title: "x", Source: "C.3.1", Residual: rating(1, map[string]int{"society": 1})}, "inherent.likelihood"},
		{"residual above inherent", risk.Fields{Title: "x", Source: "C.3.1", Inherent: rating(1, map[string]int{"society": 1}),
			Residual: rating(5, map[string]int{"society": 5})}, "residual.likelihood"},
		{"assessed without a rating", risk.Fields{Title: "x", Source: "C.3.1", Status: risk.StatusAssessed}, "status"},
		{"a bad review date", risk.Fields{Title: "x", Source: "C.3.1", ReviewDue: "next spring"}, "review_due"},
		{"an unknown treatment", risk.Fields{Title: "x", Source: "C.3.1", TreatmentOption: "ignore"}, "treatment_option"},
	} {
		if _, err := f.sv.Risks.Create(priya, f.org.ID, tc.f); aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != tc.field {
			t.Errorf("%s: %v (field %q), want invalid %s", tc.name, err, aims.ErrorField(err), tc.field)
		}
	}
	if n := f.trail(t); n != before {
		t.Errorf("refused risks wrote %d activity entries", n-before)
	}

	upd := risk.FieldsOf(halluc)
	upd.Status, upd.OwnerID = risk.StatusTreating, priyaID
	if _, err := f.sv.Risks.Update(priya, f.org.ID, halluc.ID, upd, halluc.Version); aims.ErrorField(err) != "treatment_option" {
		t.Errorf("treating without a treatment: %v", err)
	}
	upd.TreatmentOption, upd.TreatmentPlan = risk.TreatModify, "Answers cite their sources; a grounding check blocks unsupported claims."
	changed, err := f.sv.Risks.Update(priya, f.org.ID, halluc.ID, upd, halluc.Version)
	if err != nil || changed.Version != 2 || changed.Status != risk.StatusTreating || changed.OwnerName != "Person priya" ||
		changed.TreatmentOption != risk.TreatModify || changed.TreatmentPlan == "" {
		t.Fatalf("update: %+v, %v", changed, err)
	}
	if _, err := f.sv.Risks.Update(priya, f.org.ID, halluc.ID, upd, halluc.Version); aims.ErrorCode(err) != aims.EPRECONDITION {
		t.Errorf("a stale update: %v", err)
	}
	if _, err := f.sv.Risks.Risk(stranger, other.ID, bias.ID); aims.ErrorCode(err) != aims.ENOTFOUND {
		t.Errorf("another organization reads the risk: %v", err)
	}
	if rs, _, err := f.sv.Risks.List(stranger, other.ID, risk.Filter{}, aims.Page{}); err != nil || len(rs) != 0 {
		t.Errorf("another organization lists %d risks, %v", len(rs), err)
	}
	if err := f.sv.Systems.Delete(priya, f.org.ID, talent.ID); aims.ErrorCode(err) != aims.ECONFLICT ||
		!strings.Contains(aims.ErrorMessage(err), "R-1") {
		t.Errorf("deleting a system with a risk: %v", err)
	}
	// The treatment selects controls: a control treats the risk, listed from both ends; deleting the
	// risk removes the link.
	if _, err := f.sv.Records.Link(priya, f.org.ID, record.NewLink{Relationship: "treats", From: "control:iso42001-2023/A.6.2.4",
		To: "risk:" + bias.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Records.Link(priya, f.org.ID, record.NewLink{Relationship: "treats", From: "system:" + talent.ID,
		To: "risk:" + bias.ID}); aims.ErrorField(err) != "from" {
		t.Errorf("a system treating a risk: %v", err)
	}
	treating, _, err := f.sv.Records.List(context.Background(), f.org.ID, record.Filter{From: &record.Ref{Type: record.TypeControl,
		ID: "iso42001-2023/A.6.2.4"}, Relationship: "treats"}, aims.Page{})
	if err != nil || len(treating) != 1 || treating[0].To.Title != "R-1 The ranker favours one group of candidates" {
		t.Errorf("what A.6.2.4 treats: %+v, %v", treating, err)
	}
	if err := f.sv.Risks.Delete(priya, f.org.ID, bias.ID); err != nil {
		t.Fatal(err)
	}
	if left, _, err := f.sv.Records.List(context.Background(), f.org.ID, record.Filter{Relationship: "treats",
		From: &record.Ref{Type: record.TypeControl, ID: "iso42001-2023/A.6.2.4"}}, aims.Page{}); err != nil || len(left) != 0 {
		t.Errorf("the deleted risk's treatment link: %+v, %v", left, err)
	}
	// The heat maps follow every change, counted from the cells kept (no filter, a system) and from the
	// risks themselves (other filters) alike; a closed risk leaves the open ones' map.
	closing := risk.FieldsOf(changed)
	closing.Status = risk.StatusClosed
	if _, err := f.sv.Risks.Update(priya, f.org.ID, halluc.ID, closing, 0); err != nil {
		t.Fatal(err)
	}
	for name, fl := range map[string]risk.Filter{"all": {}, "the system": {SystemID: talent.ID}, "a source": {Source: "C.3.2"},
		"closed": {Status: risk.StatusClosed}} {
		h, err := f.sv.Risks.HeatMap(context.Background(), f.org.ID, fl, false)
		want := map[string]int{"all": 0, "the system": 0, "a source": 0, "closed": 1}[name]
		if err != nil || h.Total != want {
			t.Errorf("heat map of %s after the changes: %d risks, %v; want %d", name, h.Total, err, want)
		}
	}
	if err := f.sv.Systems.Delete(priya, f.org.ID, talent.ID); err != nil {
		t.Errorf("deleting the system once its risk is gone: %v", err)
	}
}

// TestChangingTheCriteriaAsksForReassessment: saving new criteria (a 4x4 matrix) makes a new version;
// the open risks rated with the old one are listed and their owners get a task each; closed ones do not;
// a change made from an older version is refused; bad criteria name the field at fault.
func TestChangingTheCriteriaAsksForReassessment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	maya, _ := f.member(t, f.org, "maya@lumen.example", aims.RoleManager)
	_, priyaID := f.member(t, f.org, "priya@lumen.example", aims.RoleContributor)
	open, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Drift", Source: "C.3.6", OwnerID: priyaID,
		Inherent: rating(3, map[string]int{"organization": 3})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sv.Risks.Create(maya, f.org.ID, risk.Fields{Title: "Old", Source: "C.3.6", OwnerID: priyaID, Status: risk.StatusClosed}); err != nil {
		t.Fatal(err)
	}
	c := risk.Default()
	c.Likelihood, c.Consequence = c.Likelihood[1:], c.Consequence[1:]
	c.Matrix = [][]string{{"low", "low", "medium", "medium"}, {"low", "medium", "medium", "high"}, {"medium", "medium", "high", "critical"},
		{"medium", "high", "critical", "critical"}}
	c.Note = "Four steps: nobody could tell rare from unlikely."
	if _, err := f.sv.Risks.SaveCriteria(maya, f.org.ID, c, 0); aims.ErrorCode(err) != aims.ECONFLICT {
		t.Fatalf("saving from version 0 when 1 exists: %v", err)
	}
	re, err := f.sv.Risks.SaveCriteria(maya, f.org.ID, c, 1)
	if err != nil {
		t.Fatal(err)
	}
	if re.Criteria.Version != 2 || len(re.Risks) != 1 || re.Risks[0].ID != open.ID || len(re.Tasks) != 1 ||
		re.Tasks[0].OwnerID != priyaID || !strings.Contains(re.Tasks[0].Title, "Reassess R-1 against version 2") {
		t.Fatalf("reassessment: %+v", re)
	}
	ts, _, err := f.sv.Records.Tasks(context.Background(), f.org.ID, record.TaskFilter{Record: &record.Ref{Type: record.TypeRisk, ID: open.ID}}, aims.Page{})
	if err != nil || len(ts) != 1 {
		t.Errorf("the risk's tasks: %d, %v", len(ts), err)
	}
	vs, err := f.sv.Risks.CriteriaVersions(context.Background(), f.org.ID)
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[0].Note != c.Note || vs[1].Version != 1 {
		t.Errorf("versions: %v, %v", vs, err)
	}
	again, err := f.sv.Risks.Update(maya, f.org.ID, open.ID, risk.FieldsOf(open), 0)
	if err != nil || again.CriteriaVersion != 2 || again.Inherent.Level != "high" {
		t.Errorf("reassessed: %+v, %v", again, err)
	}

	before := f.trail(t)
	for _, tc := range []struct {
		name   string
		change func(c *risk.Criteria)
		field  string
	}{
		{"one step", func(c *risk.Criteria) { c.Likelihood = c.Likelihood[:1] }, "likelihood"},
		{"a row short", func(c *risk.Criteria) { c.Matrix = c.Matrix[:4] }, "matrix"},
		{"an unknown level in the matrix", func(c *risk.Criteria) { c.Matrix[0][0] = "tiny" }, "matrix[0][0]"},
		{"an unknown acceptable level", func(c *risk.Criteria) { c.Acceptable = "fine" }, "acceptable"},
		{"a viewer accepting", func(c *risk.Criteria) { c.Levels[0].AcceptedBy = aims.RoleViewer }, "levels[0].accepted_by"},
		{"authority going down", func(c *risk.Criteria) { c.Levels[3].AcceptedBy = aims.RoleContributor }, "levels[3].accepted_by"},
		{"two axes alike", func(c *risk.Criteria) { c.Axes[1].Key = c.Axes[0].Key }, "axes[1].key"},
		{"no sources", func(c *risk.Criteria) { c.Sources = nil }, "sources"},
		{"a label twice", func(c *risk.Criteria) { c.Consequence[1].Label = c.Consequence[0].Label }, "consequence[1].label"},
	} {
		c := risk.Default()
		tc.change(c)
		if _, err := f.sv.Risks.SaveCriteria(maya, f.org.ID, c, 2); aims.ErrorCode(err) != aims.EINVALID || aims.ErrorField(err) != tc.field {
			t.Errorf("%s: %v (field %q), want invalid %s", tc.name, err, aims.ErrorField(err), tc.field)
		}
	}
	if n := f.trail(t); n != before {
		t.Errorf("refused criteria wrote %d activity entries", n-before)
	}
}
