package web

import (
	"net/http"

	"github.com/aimsproject/aims"
)

// Area is one part of the management system, following the clauses of ISO/IEC 42001. The descriptions are
// aims's own words about what the area will hold, not text of the standard.
type Area struct {
	Clause  string
	Title   string
	Path    string
	Summary string
	Holds   []string
	// Parts are the pages of the area that are built, shown under it in the navigation.
	Parts []AreaPart
	// Elsewhere are built pages that serve the area but sit under another area in the navigation (the
	// inventory of AI systems serves Context and lives under Operation).
	Elsewhere []AreaPart
}

// AreaPart is a built page of an area, shown to those whose role may read its resource.
type AreaPart struct {
	Label    string
	Href     string
	Resource aims.Resource
}

// areas lists the management system's parts in the order of the standard's clauses 4 to 10.
var areas = []Area{
	{Clause: "4", Title: "Context", Path: "/context",
		Summary: "Why your organization uses or builds AI, who cares about it, and where the management system starts and ends.",
		Parts:   []AreaPart{{Label: "AI roles", Href: "/context/ai-roles", Resource: aims.ResContext}},
		Elsewhere: []AreaPart{
			{Label: "The inventory of AI systems, with each system's AI roles", Href: "/systems", Resource: aims.ResSystem},
			{Label: "Their components: models, datasets, tools and services, with suppliers", Href: "/components", Resource: aims.ResSystem},
		},
		Holds: []string{
			"Internal and external issues that shape how you work with AI",
			"Interested parties and what they expect of you",
			"The scope of the management system",
		}},
	{Clause: "5", Title: "Leadership", Path: "/leadership",
		Summary: "What top management commits to, and who is responsible for what.",
		Holds: []string{
			"The AI policy and related policy documents, with versions and approvals",
			"Commitments and decisions of top management",
			"Roles, responsibilities and authorities for the management system",
		}},
	{Clause: "6", Title: "Planning", Path: "/planning",
		Summary: "How you decide which AI risks matter and what you do about them.",
		Parts: []AreaPart{{Label: "Risk register", Href: "/risks", Resource: aims.ResRisk},
			{Label: "Risk criteria", Href: "/risks/criteria", Resource: aims.ResRiskCriteria},
			{Label: "Impact assessments", Href: "/impact-assessments", Resource: aims.ResImpact},
			{Label: "Statement of Applicability", Href: "/soa", Resource: aims.ResSoA},
			{Label: "Clause status", Href: "/clauses", Resource: aims.ResControl},
			{Label: "Coverage", Href: "/coverage", Resource: aims.ResControl}},
		Holds: []string{
			"Risk treatment plans and the acceptance of residual risk",
			"AI objectives and the plans to reach them",
			"Planned changes to the management system",
		}},
	{Clause: "7", Title: "Support", Path: "/support",
		Summary: "The people, skills and documents the management system runs on.",
		Parts:   []AreaPart{{Label: "Evidence", Href: "/evidence", Resource: aims.ResEvidence}},
		Holds: []string{
			"Resources: data, tools, computing and people",
			"Competence, training and awareness records",
			"What you communicate, to whom and when",
			"Documented information beyond evidence: policies and procedures with versions and approvals",
		}},
	{Clause: "8", Title: "Operation", Path: "/operation",
		Summary: "Running the plans day to day across the AI system lifecycle.",
		Parts: []AreaPart{{Label: "AI systems", Href: "/systems", Resource: aims.ResSystem},
			{Label: "Release gate", Href: "/gate-policy", Resource: aims.ResGate}},
		Holds: []string{
			"Operational controls for AI systems from design to retirement",
			"Risk assessments and treatments carried out as planned, and when things change",
			"Impact assessments kept current for each system",
			"Suppliers and third-party components",
			"Evaluation results",
		}},
	{Clause: "9", Title: "Performance evaluation", Path: "/performance",
		Summary: "Checking that the management system works and achieves what it set out to.",
		Holds: []string{
			"Monitoring and measurement, and their results",
			"Internal audits, their programme and findings",
			"Management reviews with their inputs and decisions",
		}},
	{Clause: "10", Title: "Improvement", Path: "/improvement",
		Summary: "Fixing what went wrong and getting better over time.",
		Holds: []string{
			"Nonconformities and their causes",
			"Corrective actions with owners and due dates",
			"AI incidents and what was learnt from them",
			"Continual improvement of the management system",
		}},
}

// AreaPage is a part of the management system that is not built yet.
type AreaPage struct {
	Layout
	Area Area
}

// areaPage returns the handler of area's page, which lists the parts that are built and says honestly what
// else the area will hold. Planning has a page of its own, with the state of the Statement of
// Applicability.
func (w *Web) areaPage(a Area) func(http.ResponseWriter, *http.Request, *visit) error {
	if a.Path == planningPath {
		return w.planningPage
	}
	return func(rw http.ResponseWriter, r *http.Request, v *visit) error {
		p := AreaPage{Layout: w.layout(rw, r, v, a.Title, a.Path), Area: a}
		return w.render(rw, r, http.StatusOK, "area", p)
	}
}
