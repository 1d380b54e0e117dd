package web

import (
	"html/template"
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/record"
)

// DashboardPage is the home page of the current organization.
type DashboardPage struct {
	Layout
	RoleSummary string
	Areas       []Area
	// Members, ActiveTokens and Entries count what the role may see; -1 when it may not. More says that a
	// count stopped at the first page of the list.
	Members, ActiveTokens   int
	MoreMembers, MoreTokens bool
	Entries                 int64
	// Work counts the visitor's active tasks, overdue ones and approvals waiting (Work.Active is -1 when
	// the role may not read tasks); OpenQuestions the open threads auditors started (-1 when it may not
	// read comments). More* says a count stopped at its first page.
	Work          record.WorkCount
	OpenQuestions int
	MoreQuestions bool
	// QuestionsHref leads to the comments in the activity trail, for those who may read it.
	QuestionsHref string
	// Readiness is how far the organization is from its certification audit (nil for those who may not
	// read the controls); NextSteps its first gaps; the SVGs its charts.
	Readiness                           *readiness.Readiness
	NextSteps                           []readiness.Item
	ClauseChart, GroupChart, TrendChart template.HTML
}

// nextStepsShown is how many gaps the home page lists.
const nextStepsShown = 12

// roleSummaries say in a sentence what each role may do, in the order of aims.Roles.
var roleSummaries = map[aims.Role]string{
	aims.RoleOwner:       "You may do everything, including granting ownership.",
	aims.RoleAdmin:       "You manage members, API tokens and the organization's settings.",
	aims.RoleManager:     "You run the management system: you approve, assign and edit every record.",
	aims.RoleContributor: "You create and edit records, push evidence and make your own API tokens.",
	aims.RoleAuditor:     "You read everything, including the activity trail, and may comment; you change nothing.",
	aims.RoleViewer:      "You read the management system's records.",
}

// dashboard shows the organization, the visitor's role and the way into each part of the management
// system.
func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	p := DashboardPage{Layout: w.layout(rw, r, v, v.org.Name, "/"), RoleSummary: roleSummaries[v.actor.Role],
		Areas: areas, Members: -1, ActiveTokens: -1, Entries: -1, Work: record.WorkCount{Active: -1}, OpenQuestions: -1}
	if v.may(aims.ActionRead, aims.ResControl) {
		r, err := w.Readiness.Compute(ctx, v.org.ID)
		if err != nil {
			return err
		}
		p.Readiness, p.NextSteps = r, r.Gaps[:min(len(r.Gaps), nextStepsShown)]
		p.ClauseChart = barsSVG("clauses", "Share of items ready, by clause", r.Clauses)
		p.GroupChart = barsSVG("groups", "Share of controls ready, by Annex A group", r.Groups)
		p.TrendChart = trendSVG(r.Trend)
	}
	if v.may(aims.ActionRead, aims.ResTask) {
		var err error
		if p.Work, err = w.Records.CountMyWork(ctx, v.org.ID, v.user.ID, aims.MaxPageLimit); err != nil {
			return err
		}
	}
	if v.may(aims.ActionRead, aims.ResComment) {
		var err error
		p.OpenQuestions, p.MoreQuestions, err = w.Records.CountComments(ctx, v.org.ID,
			record.CommentFilter{AuthorRole: aims.RoleAuditor, Status: "open"}, aims.MaxPageLimit)
		if err != nil {
			return err
		}
		if v.may(aims.ActionRead, aims.ResActivity) {
			p.QuestionsHref = "/activity?record_type=comment"
		}
	}
	if v.may(aims.ActionRead, aims.ResMember) {
		ms, next, err := w.Accounts.Store().ListMembers(ctx, v.org.ID, pageOf("", 200))
		if err != nil {
			return err
		}
		p.Members, p.MoreMembers = len(ms), next != ""
	}
	if v.may(aims.ActionRead, aims.ResToken) {
		ts, next, err := w.Accounts.Store().ListTokens(ctx, v.org.ID, pageOf("", 200))
		if err != nil {
			return err
		}
		now := w.Now()
		p.ActiveTokens, p.MoreTokens = 0, next != ""
		for _, t := range ts {
			if t.Active(now) {
				p.ActiveTokens++
			}
		}
	}
	if v.may(aims.ActionRead, aims.ResActivity) {
		// The newest entry's sequence number is the length of the trail.
		es, _, err := w.Activity.ListActivity(ctx, v.org.ID, pageOf("", 1))
		if err != nil {
			return err
		}
		p.Entries = 0
		if len(es) > 0 {
			p.Entries = es[0].Seq
		}
	}
	return w.render(rw, r, http.StatusOK, "dashboard", p)
}
