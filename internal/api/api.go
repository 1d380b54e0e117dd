// Package api is aims's JSON API, version 1, under /api/v1/. Every route is declared in routes.go with
// the action and resource that aims.Authorize checks before the handler runs.
package api

import (
	"log/slog"
	"net/http"

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
	"github.com/aimsproject/aims/internal/problem"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/surface"
	"github.com/aimsproject/aims/internal/system"
)

// API serves the JSON API.
type API struct {
	Accounts *account.Service
	Activity account.ActivityStore
	Auth     *authn.Authenticator
	Log      *slog.Logger
	// Controls serves the AI roles, control implementations and the Statement of Applicability.
	Controls *control.Service
	// Frameworks serves frameworks, requirements, mappings and licensed texts.
	Frameworks *framework.Service
	// Systems serves the AI system inventory.
	Systems *system.Service
	// Components serves the components of AI systems, their BOMs and model cards.
	Components *component.Service
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
	// Records serves the links between records, comments and tasks.
	Records *record.Service
	// Notify serves the organization's webhooks.
	Notify *notify.Service
	// PublicURL starts invitation links; empty takes the request's scheme and host.
	PublicURL string
	// Checkpoints, when set, is the server's directory of signed checkpoints of the activity trails.
	Checkpoints *activity.Checkpoints
	// Trails, when set, verifies the trails for the checkpoint status; the application shares it with the
	// web UI, so that a pass of either serves both.
	Trails *activity.Monitor
}

// New returns the API over d, or an error naming every dependency d lacks.
func New(d surface.Deps) (*API, error) {
	d, err := d.Check("api")
	if err != nil {
		return nil, err
	}
	return &API{Accounts: d.Accounts, Activity: d.Activity, Auth: d.Auth, Log: d.Log, Frameworks: d.Frameworks, Controls: d.Controls,
		Systems: d.Systems, Components: d.Components, Records: d.Records, Notify: d.Notify, Risks: d.Risks, Impacts: d.Impacts, Evidence: d.Evidence, Evaluations: d.Evaluations, Gate: d.Gate, Readiness: d.Readiness, Pack: d.Pack}, nil
}

// Route is one endpoint: its method and path pattern, what it does to which resource (for authorization),
// and its handler. Public routes need no authentication. Person routes need an authenticated user (a
// session, whether or not its user is a member of an organization, or an API token) but no role: accepting
// an invitation, which is how someone becomes a member.
type Route struct {
	Method   string
	Path     string
	Action   aims.Action
	Resource aims.Resource
	Public   bool
	Person   bool
	Handle   func(w http.ResponseWriter, r *http.Request) error
}

// Pattern returns the route's http.ServeMux pattern.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }

// Register adds every API route to mux, each behind authentication and authorization, and a JSON 404 for
// any other path under /api/.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.Routes() {
		mux.Handle(rt.Pattern(), a.wrap(rt))
	}
	mux.Handle("/api/", a.handle(func(w http.ResponseWriter, r *http.Request) error {
		return aims.Errorf(aims.ENOTFOUND, "No API endpoint %s %s.", r.Method, r.URL.Path)
	}))
}

// wrap authenticates the request, authorizes the route's action for the actor's role, and runs the
// handler with the actor in the request's context.
func (a *API) wrap(rt Route) http.Handler {
	if rt.Public {
		return a.handle(rt.Handle)
	}
	if rt.Person {
		return a.handle(func(w http.ResponseWriter, r *http.Request) error {
			res, err := a.Auth.Authenticate(r.Context(), r)
			switch {
			case err == nil:
			case aims.ErrorCode(err) == aims.EFORBIDDEN && res != nil && res.User != nil:
				res.Actor = aims.Actor{Kind: aims.ActorUser, ID: res.User.ID, Name: res.User.Name, UserID: res.User.ID}
			default:
				return err
			}
			return rt.Handle(w, r.WithContext(aims.WithActor(r.Context(), res.Actor)))
		})
	}
	return a.handle(func(w http.ResponseWriter, r *http.Request) error {
		res, err := a.Auth.Authenticate(r.Context(), r)
		if err != nil {
			return err
		}
		if err := aims.Authorize(res.Actor.Role, rt.Action, rt.Resource); err != nil {
			return err
		}
		return rt.Handle(w, r.WithContext(aims.WithActor(r.Context(), res.Actor)))
	})
}

// handle adapts an error-returning handler, writing any error as problem+json.
func (a *API) handle(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			problem.Write(w, r, a.Log, err)
		}
	})
}
