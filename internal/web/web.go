// Package web is aims's server-rendered user interface: HTML pages and form actions for people, built
// with html/template from embedded templates and static files. Every route is declared in routes.go with
// the action and resource that aims.Authorize checks before its handler runs. Pages work without
// JavaScript; the one small script only adds conveniences such as copy buttons.
package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/auditpack"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/surface"
	"github.com/aimsproject/aims/internal/system"
)

// Web serves the UI. Build it with New.
type Web struct {
	Accounts *account.Service
	Activity account.ActivityStore
	Auth     *authn.Authenticator
	Log      *slog.Logger
	// Now tells token expiry; New sets it to aims.Now.
	Now aims.Clock
	// Controls serves the AI roles, control implementations and the Statement of Applicability.
	Controls *control.Service
	// Systems serves the AI system inventory.
	Systems *system.Service
	// Components serves the components of AI systems, their BOMs and model cards.
	Components *component.Service
	// Frameworks serves the catalog pages: frameworks, requirements, mappings and licensed texts.
	Frameworks *framework.Service
	// Risks serves the risk criteria and the risk register.
	Risks *risk.Service
	// Impacts serves the AI system impact assessments.
	Impacts *impact.Service
	// Gate checks systems against the release gate and keeps its policy.
	Gate *gate.Service
	// Readiness tells how far the organization is from its certification audit.
	Readiness *readiness.Service
	// Pack writes the audit pack.
	Pack *auditpack.Pack
	// Evidence serves evidence and its files.
	Evidence *evidence.Service
	// Evaluations serves the evaluation runs of AI systems and their acceptance criteria.
	Evaluations *evaluation.Service
	// Records serves the links between records, shown on each record's page.
	Records *record.Service
	// Notify serves the organization's webhooks.
	Notify *notify.Service
	// PublicURL starts invitation links; empty takes the request's scheme and host.
	PublicURL string
	// Checkpoints, when set, is the server's directory of signed checkpoints of the activity trails.
	Checkpoints *activity.Checkpoints
	// Trails verifies the trail the activity page shows; New makes one over the activity store, and the
	// application shares one between the web UI and the API.
	Trails *activity.Monitor

	assets *assets
	pages  map[string]*template.Template
}

// New returns the UI over its dependencies. It parses every template and hashes every static file once,
// so that a missing or broken template fails here rather than on a request, and names every dependency d
// lacks.
func New(d surface.Deps) (*Web, error) {
	d, err := d.Check("web")
	if err != nil {
		return nil, err
	}
	w := &Web{Accounts: d.Accounts, Activity: d.Activity, Auth: d.Auth, Log: d.Log, Now: aims.Now, Frameworks: d.Frameworks,
		Controls: d.Controls, Systems: d.Systems, Components: d.Components, Records: d.Records, Notify: d.Notify, Risks: d.Risks, Impacts: d.Impacts, Evidence: d.Evidence, Evaluations: d.Evaluations, Gate: d.Gate, Readiness: d.Readiness, Pack: d.Pack}
	w.Trails = newMonitor(d.Activity)
	if w.assets, err = loadAssets(files); err != nil {
		return nil, err
	}
	if w.pages, err = parsePages(files, w.funcs()); err != nil {
		return nil, err
	}
	return w, nil
}

// Register adds every UI route to mux, each behind authentication and authorization, and a 404 page for
// any path no surface claims.
func (w *Web) Register(mux *http.ServeMux) {
	for _, rt := range w.Routes() {
		mux.Handle(rt.Pattern(), w.wrap(rt))
	}
	mux.Handle("/", w.wrap(Route{Access: Public, handle: w.notFound}))
}

// visit is the person behind a request, as far as the wrapper established it.
type visit struct {
	actor aims.Actor // the role is empty when the user is not a member of the session's organization
	sess  *account.Session
	user  *account.User
	org   *account.Organization // nil unless the user is a member of the session's organization
	orgs  []*account.Membership // every organization the user belongs to, for the switcher
}

// member reports whether the visitor is a member of the session's organization.
func (v *visit) member() bool { return v != nil && v.org != nil }

// may reports whether the visitor's role allows action on resource.
func (v *visit) may(action aims.Action, resource aims.Resource) bool {
	return v.member() && aims.Authorize(v.actor.Role, action, resource) == nil
}

// wrap authenticates the session, authorizes the route's action for the member's role, enforces an
// organization's two-factor requirement, and runs the handler with the actor in the request's context.
// Errors the handler returns become an HTML error page.
func (w *Web) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "no-store")
		var v *visit
		if rt.Access != Public {
			var err error
			v, err = w.authenticate(r)
			if aims.ErrorCode(err) == aims.EUNAUTHORIZED {
				w.toLogin(rw, r)
				return
			}
			if err != nil {
				w.fail(rw, r, nil, err)
				return
			}
			if rt.Access == Member {
				if !v.member() {
					w.fail(rw, r, v, aims.Errorf(aims.EFORBIDDEN, "You are not a member of this organization. Switch to one of yours."))
					return
				}
				if err := aims.Authorize(v.actor.Role, rt.Action, rt.Resource); err != nil {
					w.fail(rw, r, v, err)
					return
				}
				if v.org.RequireTOTP && !v.user.TOTPEnabled {
					w.flash(rw, flashWarn, v.org.Name+" requires two-factor authentication. Set it up to continue.")
					http.Redirect(rw, r, "/account", http.StatusSeeOther)
					return
				}
			}
			r = r.WithContext(aims.WithActor(r.Context(), v.actor))
		}
		if err := rt.handle(rw, r, v); err != nil {
			w.fail(rw, r, v, err)
		}
	})
}

// authenticate returns the visitor of a browser session, or EUNAUTHORIZED. Bearer tokens are for the API
// and are not accepted here. A user who is not (or no longer) a member of the session's organization is
// still a visitor, without a role, so that they can reach their account and switch organization.
func (w *Web) authenticate(r *http.Request) (*visit, error) {
	ctx := r.Context()
	if _, present := authn.Bearer(r); present {
		return nil, aims.Errorf(aims.EUNAUTHORIZED, "The web interface takes a session, not an API token.")
	}
	res, err := w.Auth.Authenticate(ctx, r)
	switch {
	case err == nil:
	case aims.ErrorCode(err) == aims.EFORBIDDEN && res != nil && res.Session != nil:
	default:
		return nil, err
	}
	if res.Session == nil {
		return nil, aims.Errorf(aims.EUNAUTHORIZED, "Please log in.")
	}
	v := &visit{actor: res.Actor, sess: res.Session, user: res.User}
	if v.actor.Kind == "" {
		v.actor = aims.Actor{Kind: aims.ActorUser, ID: res.User.ID, Name: res.User.Name, UserID: res.User.ID}
	}
	if v.orgs, err = w.Accounts.Store().MembershipsOfUser(ctx, res.User.ID); err != nil {
		return nil, fmt.Errorf("cannot list the user's organizations: %w", err)
	}
	if res.Actor.OrgID != "" && res.Actor.Role != "" {
		if v.org, err = w.Accounts.Store().OrganizationByID(ctx, res.Actor.OrgID); err != nil {
			return nil, fmt.Errorf("cannot load the session's organization: %w", err)
		}
	}
	return v, nil
}

// toLogin sends an unauthenticated visitor to the login page, remembering where a GET was going. A stale
// cookie is removed so that the login page does not keep offering it for rotation.
func (w *Web) toLogin(rw http.ResponseWriter, r *http.Request) {
	if w.Auth.SessionSecret(r) != "" {
		w.Auth.ClearSession(rw)
	}
	target := "/login"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if next := r.URL.RequestURI(); next != "/" && localPath(next) {
			target += "?next=" + url.QueryEscape(next)
		}
	}
	http.Redirect(rw, r, target, http.StatusSeeOther)
}
