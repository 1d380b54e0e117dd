// Package surface holds what aims's HTTP surfaces, the JSON API and the web UI, are both built over, so
// that each refuses at start-up, in the same words, a dependency that is missing.
package surface

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/aimsproject/aims/internal/account"
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
	"github.com/aimsproject/aims/internal/system"
)

// Deps are the services a surface serves. Log may be nil (discarded); every other one is required.
type Deps struct {
	Accounts   *account.Service
	Activity   account.ActivityStore
	Auth       *authn.Authenticator
	Log        *slog.Logger
	Frameworks *framework.Service
	Controls   *control.Service
	Systems    *system.Service
	Components *component.Service
	Records    *record.Service
	Risks      *risk.Service
	Impacts    *impact.Service
	Gate       *gate.Service
	Readiness  *readiness.Service
	Pack       *auditpack.Pack
	Evidence   *evidence.Service
	// Evaluations serves evaluation runs and acceptance criteria.
	Evaluations *evaluation.Service
	Notify      *notify.Service
}

// Check returns an error naming, for surface ("api", "web"), every required dependency d lacks, and
// otherwise d with a discarding Log in place of a nil one.
func (d Deps) Check(surface string) (Deps, error) {
	var missing []string
	for name, absent := range map[string]bool{"Accounts": d.Accounts == nil, "Activity": d.Activity == nil, "Auth": d.Auth == nil,
		"Frameworks": d.Frameworks == nil, "Controls": d.Controls == nil, "Systems": d.Systems == nil, "Components": d.Components == nil,
		"Records": d.Records == nil, "Risks": d.Risks == nil, "Impacts": d.Impacts == nil, "Evidence": d.Evidence == nil, "Evaluations": d.Evaluations == nil, "Gate": d.Gate == nil, "Readiness": d.Readiness == nil, "Pack": d.Pack == nil, "Notify": d.Notify == nil} {
		if absent {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return d, fmt.Errorf("%s: missing dependencies: %s", surface, strings.Join(missing, ", "))
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return d, nil
}
