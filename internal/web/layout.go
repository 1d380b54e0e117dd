package web

import (
	"net/http"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// Layout is what every page shows around its content: who is logged in, where, the navigation and the
// organization switcher, and a flash message left by the previous request.
type Layout struct {
	Title string
	// Path is the page's own address, where the organization switcher returns to.
	Path  string
	User  *account.User // nil on the login pages and for visitors who are not logged in
	Org   *account.Organization
	Role  aims.Role
	Orgs  []*account.Membership
	Nav   []NavGroup
	Flash *Flash
}

// NavGroup is a heading in the sidebar with its links.
type NavGroup struct {
	Title string
	Items []NavItem
}

// NavItem is one link in the sidebar. Clause is the number of the ISO/IEC 42001 clause it stands for.
type NavItem struct {
	Label  string
	Href   string
	Clause string
	Active bool
	// Sub marks a page of the area above it.
	Sub bool
}

// layout assembles the frame of a page for visitor v (nil when nobody is logged in) at path, taking the
// flash message, if any.
func (w *Web) layout(rw http.ResponseWriter, r *http.Request, v *visit, title, path string) Layout {
	l := Layout{Title: title, Path: path, Flash: w.takeFlash(rw, r)}
	if v == nil {
		return l
	}
	l.User, l.Orgs, l.Org = v.user, v.orgs, v.org
	if v.member() {
		l.Role = v.actor.Role
	}
	l.Nav = navigation(v, path)
	return l
}

// navigation returns the sidebar laid out by the structure of ISO/IEC 42001, with only the links the
// visitor's role may open.
func navigation(v *visit, path string) []NavGroup {
	item := func(label, href, clause string) NavItem {
		return NavItem{Label: label, Href: href, Clause: clause, Active: href == path}
	}
	overview := []NavItem{item("Dashboard", "/", "")}
	if v.may(aims.ActionRead, aims.ResTask) {
		overview = append(overview, item("My work", "/my-work", ""))
	}
	groups := []NavGroup{{Title: "Overview", Items: overview}}
	if v.may(aims.ActionRead, aims.ResRecord) {
		var ms []NavItem
		for _, a := range areas {
			ms = append(ms, item(a.Title, a.Path, a.Clause))
			for _, p := range a.Parts {
				if v.may(aims.ActionRead, p.Resource) {
					sub := item(p.Label, p.Href, "")
					sub.Sub = true
					ms = append(ms, sub)
				}
			}
		}
		groups = append(groups, NavGroup{Title: "Management system", Items: ms})
	}
	if v.may(aims.ActionRead, aims.ResFramework) {
		groups = append(groups, NavGroup{Title: "Catalog", Items: []NavItem{item("Frameworks", "/frameworks", "")}})
	}
	var admin []NavItem
	if v.may(aims.ActionRead, aims.ResMember) {
		admin = append(admin, item("Members", "/members", ""))
	}
	if v.may(aims.ActionRead, aims.ResToken) {
		admin = append(admin, item("API tokens", "/tokens", ""))
	}
	if v.may(aims.ActionRead, aims.ResActivity) {
		admin = append(admin, item("Activity trail", "/activity", ""))
	}
	if v.may(aims.ActionRead, aims.ResWebhook) {
		admin = append(admin, item("Webhooks", "/webhooks", ""))
	}
	if v.may(aims.ActionRead, aims.ResOrganization) {
		admin = append(admin, item("Settings", "/settings", ""))
	}
	if len(admin) > 0 {
		groups = append(groups, NavGroup{Title: "Administration", Items: admin})
	}
	return groups
}
