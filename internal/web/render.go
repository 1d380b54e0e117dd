package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/problem"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system/euact"
)

// errNotFound answers a path or record that does not exist.
var errNotFound = aims.Errorf(aims.ENOTFOUND, "There is no such page.")

// render executes page with data into a buffer and sends it with status, so that a template error becomes
// a clean error page instead of half a page.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	t, ok := w.pages[page]
	if !ok {
		return fmt.Errorf("no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "page", data); err != nil {
		return fmt.Errorf("cannot render page %s: %w", page, err)
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = buf.WriteTo(rw)
	return nil
}

// ErrorPage is the page for a request that failed.
type ErrorPage struct {
	Layout
	Status  int
	Heading string
	Message string
	// RequestID lets a person quote the failed request to an operator, who finds it in the logs.
	RequestID string
}

// fail answers err with an HTML error page whose status comes from the one error table. Internal details
// are logged, never shown. An unauthenticated visitor is sent to log in instead.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, v *visit, err error) {
	status := problem.Status(err)
	if status == http.StatusUnauthorized {
		w.toLogin(rw, r)
		return
	}
	if status >= 500 {
		w.Log.ErrorContext(r.Context(), "web request failed", "err", err.Error(), "request_id", problem.RequestID(r),
			"method", r.Method, "path", r.URL.Path)
	}
	p := ErrorPage{Status: status, Message: aims.ErrorMessage(err), RequestID: problem.RequestID(r)}
	switch status {
	case http.StatusForbidden:
		p.Heading = "You can't do that here"
	case http.StatusNotFound:
		p.Heading = "Not found"
	case http.StatusTooManyRequests:
		p.Heading = "Slow down"
	default:
		p.Heading = "Something went wrong"
		if status < 500 {
			p.Heading = "That didn't work"
		}
	}
	p.Layout = w.layout(rw, r, v, p.Heading, "")
	if rerr := w.render(rw, r, status, "error", p); rerr != nil {
		w.Log.ErrorContext(r.Context(), "cannot render the error page", "err", rerr.Error())
		http.Error(rw, http.StatusText(status), status)
	}
}

// notFound is the page for any path that no route claims. It shows the navigation when the visitor is
// logged in.
func (w *Web) notFound(rw http.ResponseWriter, r *http.Request, _ *visit) error {
	v, err := w.authenticate(r)
	if err != nil {
		v = nil
	}
	w.fail(rw, r, v, aims.Errorf(aims.ENOTFOUND, "There is no page at this address. It may have moved, or the link may be wrong."))
	return nil
}

func (w *Web) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) { return w.assets.url(name) },
		"when":  when,
		"whenp": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return when(*t)
		},
		"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"day": func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		// label, controlHref and roleLabel serve the pages of the Statement of Applicability.
		"label":       control.Label,
		"controlHref": controlHref,
		"roleLabel":   control.RoleLabel,
		// fieldValue shows a changed field's value as people read it: labels for the enumerations.
		"fieldValue": fieldValue,
		// frameworkKind names where a framework comes from.
		"frameworkKind": frameworkKind,
		// linkRole shows the role of a component in a system, naming the one an imported BOM gives.
		"linkRole": linkRole,
		// plural is "1 component" or "n components".
		"plural": plural,
		// taskStatus names a task status: "in progress".
		"taskStatus": taskStatusLabel,
		// thousands writes a count with thousands separators: 935,144.
		"thousands": aims.Thousands,
		// inc is i+1: the step number of a scale's i-th step; list makes a list of its arguments;
		// optionName names a risk source or objective by its key.
		"inc":        func(i int) int { return i + 1 },
		"list":       func(xs ...string) []string { return xs },
		"optionName": risk.OptionName,
		// riskLabel names an EU AI Act risk class ("High-risk").
		"riskLabel": func(class string) string { return euact.ClassLabels[class] },
		"initial": func(name string) string {
			for _, c := range name {
				return strings.ToUpper(string(c))
			}
			return "?"
		},
	}
}

// plural is n with the singular or the plural noun: "1 component", "2 components".
func plural(n any, singular, plurals string) string {
	s := fmt.Sprint(n)
	if s == "1" {
		return s + " " + singular
	}
	return s + " " + plurals
}

// when formats a time for people, in UTC so that every reader sees the same value.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// fieldValue returns the value v of a control's field as people read it: the label of an applicability or
// a status ("Not started"), any other value as it is.
func fieldValue(field, v string) string {
	switch field {
	case "applicability", "status":
		return control.Label(v)
	}
	return v
}

// frameworkKinds name where a framework comes from.
var frameworkKinds = map[string]string{
	framework.KindBuiltin: "Built in",
	framework.KindOSCAL:   "OSCAL import",
	framework.KindCSV:     "CSV import",
	framework.KindCustom:  "Own controls",
}

// frameworkKind returns the name of a framework kind, or the kind itself when it has none.
func frameworkKind(kind string) string {
	if l, ok := frameworkKinds[kind]; ok {
		return l
	}
	return kind
}

// linkRole returns the role of a component in a system as people read it.
func linkRole(role string) string {
	if role == component.BOMRole {
		return "Listed in the BOM"
	}
	return role
}
