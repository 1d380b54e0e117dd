// Package app wires aims's concrete types together: the store, the account service, the authenticator and
// every HTTP surface. The CLI and the tests build aims through it, so both run the same assembly.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/auditpack"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/job"
	"github.com/aimsproject/aims/internal/notify"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/server"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/surface"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/web"
)

// Options tune an App beyond its store.
type Options struct {
	// Secure marks session cookies Secure (aims is reached over TLS).
	Secure bool
	// Log receives structured logs; nil discards them.
	Log *slog.Logger
	// RequestLog receives the line logged for each request; nil uses Log.
	RequestLog *slog.Logger
	// JSONLines, when set, receives the request lines in JSON, formatted by the server (server.Server).
	JSONLines io.Writer
	// TrustProxy takes client addresses (for login throttling) from X-Forwarded-For.
	TrustProxy bool
	// Catalog is the built-in catalog; nil loads it.
	Catalog *framework.Catalog
	// Accounts, when set, replaces the default account service (tests shorten its timeouts).
	Accounts *account.Service
	// PublicURL is the URL people reach aims at; invitation links start with it. When empty they start
	// with the scheme and host of the request that made them.
	PublicURL string
	// BOMMaxBytes bounds an imported CycloneDX BOM; 0 means component.DefaultBOMMaxBytes.
	BOMMaxBytes int64
	// EvalMaxBytes bounds an imported evaluation result file; 0 means evaluation.DefaultMaxBytes.
	EvalMaxBytes int64
	// Checkpoints, when set, is where the server writes signed checkpoints of the activity trails; the API
	// and the activity page tell whether each trail extends its latest one.
	Checkpoints *activity.Checkpoints
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// BOMMaxComponents bounds the components of an imported BOM; 0 means component.DefaultBOMMaxComponents.
	BOMMaxComponents int
	// ImportMaxRows bounds the AI systems of an inventory import; 0 means system.DefaultImportMaxRows.
	ImportMaxRows int
	// SessionIdle and SessionMax end sessions; 0 keeps the account service's default.
	SessionIdle, SessionMax time.Duration
	// Mail, when set, sends e-mail notifications; nil sends none.
	Mail *notify.Mailer
	// ListenAddr is the address serve listens on; a webhook may not point at it (nor at PublicURL).
	ListenAddr string
	// BlobURL and EvidenceMaxBytes configure the evidence blob store: see ServiceOptions.
	BlobURL          string
	EvidenceMaxBytes int64
}

// App is a fully assembled aims.
type App struct {
	DB       *store.DB
	Accounts *account.Service
	Auth     *authn.Authenticator
	API      *api.API
	Web      *web.Web
	Server   *server.Server
	Log      *slog.Logger
	Catalog  *framework.Catalog
	// Frameworks is the framework service the API, the web UI and the command line share.
	Frameworks *framework.Service
	// Controls serves the AI roles, control implementations and the Statement of Applicability.
	Controls *control.Service
	// Systems serves the AI system inventory.
	Systems *system.Service
	// Components serves the components of AI systems, their BOMs and model cards.
	Components *component.Service
	// Records serves the links between records, comments and tasks.
	Records *record.Service
	// Risks serves the risk criteria and the risk register.
	Risks *risk.Service
	// Impacts serves the AI system impact assessments.
	Impacts *impact.Service
	// Gate checks systems against the organization's release gate and keeps its policy.
	Gate *gate.Service
	// Readiness tells how far the organization is from its certification audit.
	Readiness *readiness.Service
	// Pack writes the audit pack.
	Pack *auditpack.Pack
	// Evidence serves evidence and its files.
	Evidence *evidence.Service
	// Evaluations serves the evaluation runs of AI systems and their acceptance criteria.
	Evaluations *evaluation.Service
	// Notify serves webhooks and queues notifications; Worker sends them (serve runs it).
	Notify *notify.Service
	Worker *job.Worker
}

// ServiceOptions tune the domain services beyond their store.
type ServiceOptions struct {
	// Catalog is the built-in catalog; nil loads it.
	Catalog *framework.Catalog
	// Accounts, when set, replaces the default account service (tests shorten its timeouts).
	Accounts *account.Service
	// BOMMaxBytes, BOMMaxComponents and ImportMaxRows bound imports; 0 means the component and system packages' defaults.
	BOMMaxBytes      int64
	BOMMaxComponents int
	ImportMaxRows    int
	// EvalMaxBytes bounds an imported evaluation result file; 0 means evaluation.DefaultMaxBytes.
	EvalMaxBytes int64
	// SessionIdle and SessionMax end sessions; 0 keeps the account service's default.
	SessionIdle, SessionMax time.Duration
	// Mail, PublicURL and Self configure notifications: see notify.Service.
	Mail      *notify.Mailer
	PublicURL string
	Self      []string
	// BlobURL is the evidence blob store (file:///DIR, s3://...); empty keeps files in memory, which only
	// tests want: serve and the CLI pass config.Config.BlobStoreURL. EvidenceMaxBytes bounds one file (0:
	// evidence.DefaultMaxBytes).
	BlobURL          string
	EvidenceMaxBytes int64
}

// Services are the domain services over one store: the one assembly of them that serve, every command of
// the CLI and the tests share, so that a limit or a rule configured for one holds for all.
type Services struct {
	Catalog    *framework.Catalog
	Accounts   *account.Service
	Frameworks *framework.Service
	Controls   *control.Service
	Systems    *system.Service
	Components *component.Service
	// Records serves the links between records and applies their delete rules for the other services.
	Records *record.Service
	Risks   *risk.Service
	Impacts *impact.Service
	// Gate checks systems against the organization's release gate and keeps its policy.
	Gate *gate.Service
	// Readiness tells how far the organization is from its certification audit.
	Readiness *readiness.Service
	// Pack writes the audit pack (unsigned; a caller with the checkpoint key sets Key on a copy).
	Pack *auditpack.Pack
	// Evidence serves evidence; its blob store is opened from ServiceOptions.BlobURL.
	Evidence *evidence.Service
	// Evaluations serves evaluation runs and acceptance criteria.
	Evaluations *evaluation.Service
	// Notify serves webhooks and queues the messages of events.
	Notify *notify.Service
}

// NewServices assembles the domain services over db.
func NewServices(db *store.DB, o ServiceOptions) (*Services, error) {
	if db == nil {
		return nil, errors.New("app: a store is required")
	}
	cat := o.Catalog
	if cat == nil {
		var err error
		if cat, err = framework.LoadCatalog(); err != nil {
			return nil, err
		}
	}
	accts := o.Accounts
	if accts == nil {
		accts = account.NewService(db, db.Now)
	}
	if o.SessionIdle > 0 {
		accts.SessionIdle = o.SessionIdle
	}
	if o.SessionMax > 0 {
		accts.SessionMax = o.SessionMax
	}
	sv := &Services{Catalog: cat, Accounts: accts, Frameworks: framework.NewService(db), Controls: control.NewService(db, cat, db.Now),
		Systems: system.NewService(db), Components: component.NewService(db)}
	sv.Notify = notify.NewService(db)
	sv.Notify.Mail, sv.Notify.PublicURL, sv.Notify.Self = o.Mail, o.PublicURL, o.Self
	sv.Records = record.NewService(db)
	sv.Records.Now, sv.Records.Events = db.Now, sv.Notify
	sv.Risks = risk.NewService(db)
	sv.Risks.Links, sv.Risks.Tasks, sv.Risks.Now = sv.Records, sv.Records, db.Now
	sv.Records.LinkHooks = append(sv.Records.LinkHooks, sv.Risks)
	sv.Risks.Events = sv.Notify
	sv.Controls.Risks = sv.Risks
	if f := cat.Framework(framework.NIST600); f != nil {
		for _, r := range f.Requirements {
			sv.Risks.GenAIRisks = append(sv.Risks.GenAIRisks, risk.Option{Key: r.Ref, Name: r.Title})
		}
	}
	sv.Impacts = impact.NewService(db)
	sv.Impacts.Links, sv.Impacts.Tasks, sv.Impacts.Now = sv.Records, sv.Records, db.Now
	sv.Impacts.FRIAApplies = func(ctx context.Context, orgID, systemID string) (bool, error) {
		p, err := sv.Controls.Profile(ctx, orgID)
		if err != nil {
			return false, err
		}
		ob, err := sv.Systems.Obligations(ctx, cat, p.EUDates, orgID, systemID)
		if err != nil {
			return false, err
		}
		return impact.AppliesFRIA(ob.Items), nil
	}
	sv.Gate = gate.NewService(db)
	sv.Gate.Systems, sv.Gate.Impacts, sv.Gate.Risks, sv.Gate.SoAVersions, sv.Gate.Now = sv.Systems, sv.Impacts, sv.Risks, sv.Controls.Versions, db.Now
	sv.Readiness = readiness.NewService(db)
	sv.Readiness.Controls, sv.Readiness.Systems, sv.Readiness.Risks, sv.Readiness.Impacts, sv.Readiness.Gate, sv.Readiness.Now =
		sv.Controls, sv.Systems, sv.Risks, sv.Impacts, sv.Gate, db.Now
	sv.Readiness.Evidence = func(ctx context.Context, orgID string) (map[string]readiness.EvidenceState, error) {
		now := sv.Readiness.Now().UTC()
		return db.EvidenceByControl(ctx, orgID, now.Format(time.DateOnly), now.AddDate(0, 0, readiness.ExpiryWarningDays).Format(time.DateOnly))
	}
	sv.Pack = &auditpack.Pack{Controls: sv.Controls, Risks: sv.Risks, Impacts: sv.Impacts, Readiness: sv.Readiness, Trail: db, Now: db.Now}
	// A material change of a system makes its approved impact assessment stale.
	sv.Systems.Watch, sv.Components.Watch = sv.Impacts, sv.Impacts
	sv.Evaluations = evaluation.NewService(db)
	if o.EvalMaxBytes > 0 {
		sv.Evaluations.MaxBytes = o.EvalMaxBytes
	}
	// Deleting a system applies its links' rules and refuses while risks of the register, an impact
	// assessment or evaluation runs are of it.
	sv.Systems.Links = deleteRules{sv.Records, sv.Risks, sv.Impacts, sv.Evaluations}
	sv.Components.Links, sv.Frameworks.Links = sv.Records, sv.Records
	sv.Components.BOMMaxBytes, sv.Components.BOMMaxComponents, sv.Systems.ImportMaxRows = o.BOMMaxBytes, o.BOMMaxComponents, o.ImportMaxRows
	blobURL := o.BlobURL
	if blobURL == "" {
		blobURL = "mem://"
	}
	blobs, err := evidence.OpenBlobs(context.Background(), blobURL, o.EvidenceMaxBytes)
	if err != nil {
		return nil, err
	}
	sv.Evidence = evidence.NewService(db, blobs)
	sv.Evidence.Links, sv.Evidence.Tasks, sv.Evidence.Now = sv.Records, sv.Records, db.Now
	sv.Gate.Controls, sv.Gate.Evidence, sv.Gate.Evaluations = sv.Controls, sv.Evidence, sv.Evaluations
	sv.Pack.Parts = []auditpack.Part{auditpack.EvidenceIndex(sv.Evidence), auditpack.EvaluationSummary(sv.Evaluations)}
	return sv, nil
}

// New assembles aims over db.
func New(db *store.DB, o Options) (*App, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var self []string
	if o.ListenAddr != "" {
		self = append(self, o.ListenAddr)
	}
	if u, err := url.Parse(o.PublicURL); err == nil && u.Host != "" {
		port := u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
		self = append(self, net.JoinHostPort(u.Hostname(), port))
	}
	sv, err := NewServices(db, ServiceOptions{Catalog: o.Catalog, Accounts: o.Accounts, BOMMaxBytes: o.BOMMaxBytes,
		BOMMaxComponents: o.BOMMaxComponents, ImportMaxRows: o.ImportMaxRows, EvalMaxBytes: o.EvalMaxBytes, SessionIdle: o.SessionIdle, SessionMax: o.SessionMax,
		Mail: o.Mail, PublicURL: o.PublicURL, Self: self, BlobURL: o.BlobURL, EvidenceMaxBytes: o.EvidenceMaxBytes})
	if err != nil {
		return nil, err
	}
	accts, cat := sv.Accounts, sv.Catalog
	auth := &authn.Authenticator{Accounts: accts, Secure: o.Secure, TrustProxy: o.TrustProxy}
	a := &App{DB: db, Accounts: accts, Auth: auth, Log: log, Catalog: cat}
	a.Frameworks, a.Controls, a.Systems, a.Components = sv.Frameworks, sv.Controls, sv.Systems, sv.Components
	a.Records, a.Notify, a.Risks, a.Impacts, a.Evidence, a.Gate, a.Readiness, a.Pack = sv.Records, sv.Notify, sv.Risks, sv.Impacts, sv.Evidence, sv.Gate, sv.Readiness, sv.Pack
	a.Evaluations = sv.Evaluations
	sender := &notify.Sender{Store: db, Mail: o.Mail, PublicURL: o.PublicURL, Now: db.Now}
	handlers := sender.Handlers()
	handlers[JobDaily] = func(ctx context.Context, _ *job.Job) error {
		if _, err := a.Records.RemindTasks(ctx, db, db.Now()); err != nil {
			return err
		}
		if _, err := a.Risks.EscalateActions(ctx, db, db.Now()); err != nil {
			return err
		}
		if _, err := a.Impacts.MarkOverdue(ctx, db.Now()); err != nil {
			return err
		}
		// The evidence counts move on to the day (so that readiness reads one day's rows at most), and
		// the readiness trend gets each organization's figures of the day, visited or not.
		if _, err := db.AdvanceEvidenceRollups(ctx, db.Now().UTC().Format(time.DateOnly)); err != nil {
			return err
		}
		orgs, err := db.ListOrganizations(ctx)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if _, err := a.Readiness.Compute(ctx, o.ID); err != nil {
				return fmt.Errorf("cannot compute the readiness of %s: %w", o.Slug, err)
			}
		}
		if _, err := a.Evidence.RemindExpiring(ctx, db.Now()); err != nil {
			return err
		}
		// Left-over upload files only take space: a store that cannot be swept today is told, not retried.
		if n, err := a.Evidence.SweepUploads(ctx, db.Now()); err != nil {
			log.Warn("cannot sweep the blob store's left-over uploads", "err", err)
		} else if n > 0 {
			log.Info("swept the blob store's left-over uploads", "files", n)
		}
		return sender.SendDigests(ctx)
	}
	a.Worker = job.New(db, handlers, log)
	a.Worker.Now = db.Now
	a.Notify.Wake = a.Worker.Wake
	if a.API, err = api.New(surface.Deps{Accounts: accts, Activity: db, Auth: auth, Log: log, Frameworks: a.Frameworks, Controls: a.Controls,
		Systems: a.Systems, Components: a.Components, Records: a.Records, Notify: a.Notify, Risks: a.Risks, Impacts: a.Impacts, Evidence: a.Evidence, Evaluations: a.Evaluations, Gate: a.Gate, Readiness: a.Readiness, Pack: a.Pack}); err != nil {
		return nil, err
	}
	a.API.PublicURL = o.PublicURL
	a.API.Checkpoints = o.Checkpoints
	w, err := web.New(surface.Deps{Accounts: accts, Activity: db, Auth: auth, Log: log, Frameworks: a.Frameworks, Controls: a.Controls,
		Systems: a.Systems, Components: a.Components, Records: a.Records, Notify: a.Notify, Risks: a.Risks, Impacts: a.Impacts, Evidence: a.Evidence, Evaluations: a.Evaluations, Gate: a.Gate, Readiness: a.Readiness, Pack: a.Pack})
	if err != nil {
		return nil, err
	}
	w.PublicURL = o.PublicURL
	w.Checkpoints = o.Checkpoints
	a.API.Trails = w.Trails
	a.Web = w
	a.Server = server.New(db, log, a.API, a.Web)
	a.Server.RequestLog, a.Server.JSONLines = o.RequestLog, o.JSONLines
	a.Server.MetricsToken = o.MetricsToken
	// A BOM upload and an evidence file are the bodies that may be larger than the server's default bound;
	// their handlers bound them by their own limits (the evidence form's fields take up to 1 MiB more).
	a.Server.MaxBodyBytes = max(a.Server.MaxBodyBytes, a.Components.BOMLimit()+1<<20, a.Evidence.Blobs.MaxBytes+1<<20)
	// A BOM upload is the one body that may be larger than the server's default bound; its handlers
	// bound it by the BOM limit themselves.
	a.Server.MaxBodyBytes = max(a.Server.MaxBodyBytes, a.Components.BOMLimit()+1<<20)
	// So is an evaluation result file, bounded by the evaluation limit.
	a.Server.MaxBodyBytes = max(a.Server.MaxBodyBytes, a.Evaluations.MaxBytes+1<<20)
	return a, nil
}

// JobDaily is the kind of the job that runs once a day: task reminders (due tomorrow, overdue), impact
// assessments overdue for reassessment marked stale (their owners get a task), tasks to renew evidence
// about to lapse, and the e-mail digests.
const JobDaily = "daily"

// ScheduleDaily makes sure today's daily job exists, due at 07:00 UTC (at once when that has passed);
// every replica may call it, and one job a day results.
func (a *App) ScheduleDaily(ctx context.Context) error {
	now := a.DB.Now().UTC()
	day := now.Format(time.DateOnly)
	runAt := time.Date(now.Year(), now.Month(), now.Day(), 7, 0, 0, 0, time.UTC)
	_, err := a.DB.EnqueueJobOnce(ctx, &job.Job{ID: "daily-" + day, Kind: JobDaily, Payload: []byte(`{}`), RunAt: runAt, MaxAttempts: 3})
	return err
}

// Handler returns the HTTP handler of the whole application.
func (a *App) Handler() http.Handler { return a.Server }

// deleteRules applies, in order, the delete rules of several services to the records being deleted.
type deleteRules []record.DeleteRules

func (rs deleteRules) Deleting(ctx context.Context, orgID string, refs ...record.Ref) error {
	for _, r := range rs {
		if err := r.Deleting(ctx, orgID, refs...); err != nil {
			return err
		}
	}
	return nil
}
