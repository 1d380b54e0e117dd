package web

import (
	"net/http"
	"net/url"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/euact"
)

// systemsPageSize is how many AI systems one page of the inventory shows.
const systemsPageSize = 50

// SystemsPage is the AI system inventory: a page of systems matching the filter, in its order.
type SystemsPage struct {
	Layout
	Systems []*system.System
	Filter  SystemFilter
	// NextHref is the address of the next page with the same filter, or "" on the last page.
	NextHref string
	// Later says this is not the first page.
	Later     bool
	CanCreate bool
}

// SystemFilter is the list's filter form as submitted.
type SystemFilter struct {
	Stage  string
	Status string
	AIRole string
	Q      string
	Sort   string
	// RiskClass is an EU AI Act class, or system.Unclassified.
	RiskClass string
	// Supplier and Model keep the systems with a component of that supplier or a model of that name.
	Supplier string
	Model    string
}

// Stages, Statuses, AIRoles and Sorts are the filter's choices.
func (SystemFilter) Stages() []string   { return system.Stages }
func (SystemFilter) Statuses() []string { return system.Statuses }
func (SystemFilter) AIRoles() []string  { return system.AIRoles }
func (SystemFilter) Sorts() []string    { return system.Sorts }

// RiskClasses are the risk class filter's choices.
func (SystemFilter) RiskClasses() []euact.Option {
	return append(euact.Questions().Classes, euact.Option{Value: system.Unclassified, Label: "Not classified"})
}

// Active reports whether the filter narrows the list.
func (f SystemFilter) Active() bool {
	return f.Stage != "" || f.Status != "" || f.AIRole != "" || f.Q != "" || f.RiskClass != "" || f.Supplier != "" || f.Model != ""
}

// query returns the filter as the query of the list's address, with cursor when it is not "".
func (f SystemFilter) query(cursor string) string {
	q := url.Values{}
	for k, v := range map[string]string{"stage": f.Stage, "status": f.Status, "ai_role": f.AIRole, "q": f.Q, "sort": f.Sort,
		"risk_class": f.RiskClass, "supplier": f.Supplier, "model": f.Model, "cursor": cursor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// systemsPage lists the organization's AI systems, filtered and sorted by the GET form.
func (w *Web) systemsPage(rw http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	f := SystemFilter{Stage: q.Get("stage"), Status: q.Get("status"), AIRole: q.Get("ai_role"), Q: q.Get("q"), Sort: q.Get("sort"),
		RiskClass: q.Get("risk_class"), Supplier: q.Get("supplier"), Model: q.Get("model")}
	cursor := q.Get("cursor")
	ss, next, err := w.Systems.List(r.Context(), v.org.ID, system.Filter{Stage: f.Stage, Status: f.Status, AIRole: f.AIRole,
		Query: f.Q, Sort: f.Sort, RiskClass: f.RiskClass, Supplier: f.Supplier, Model: f.Model}, pageOf(cursor, systemsPageSize))
	if err != nil {
		return err
	}
	p := SystemsPage{Layout: w.layout(rw, r, v, "AI systems", systemsPath), Systems: ss, Filter: f, Later: cursor != "",
		CanCreate: v.may(aims.ActionCreate, aims.ResSystem)}
	if next != "" {
		p.NextHref = systemsPath + "?" + f.query(next)
	}
	return w.render(rw, r, http.StatusOK, "systems", p)
}

// systemsPath is the inventory's address, under which every system's pages are.
const systemsPath = "/systems"

// systemHref returns the address of system id's page.
func systemHref(id string) string { return systemsPath + "/" + id }
