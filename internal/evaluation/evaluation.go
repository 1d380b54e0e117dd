// Package evaluation holds the evaluation runs of AI systems (ISO/IEC 42001 A.6.2.4, verification and
// validation; for red-teaming also A.6.2.6 and NIST AI RMF MEASURE 2.7): the result files of evaluation
// and red-teaming tools (read by the ingest sub-package), imported per system, judged against the
// system's acceptance criteria, and kept as structured evidence linked to the system and the controls.
package evaluation

import (
	"context"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// DefaultMaxBytes is the largest result file imported unless configured (AIMS_EVAL_MAX_BYTES).
const DefaultMaxBytes = 256 << 20

// Controls an evaluation run evidences: every run A.6.2.4; red-teaming runs also A.6.2.6 and MEASURE
// 2.7 of the NIST AI RMF.
var (
	ControlsEvaluation = []string{"control:iso42001-2023/A.6.2.4"}
	ControlsRedTeam    = []string{"control:iso42001-2023/A.6.2.6", "control:nist-ai-rmf-1.0/MEASURE 2.7"}
)

// Run is one imported evaluation run of a system.
type Run struct {
	ID          string        `json:"id"`
	OrgID       string        `json:"-"`
	SystemID    string        `json:"system_id"`
	SystemName  string        `json:"system_name"`
	Tool        string        `json:"tool"`
	ToolVersion string        `json:"tool_version"`
	Model       string        `json:"model"`
	Name        string        `json:"name"`
	Status      string        `json:"status"`
	StartedAt   *time.Time    `json:"started_at"`
	RedTeam     bool          `json:"red_team"`
	Counts      ingest.Counts `json:"counts"`
	Guardrails  int64         `json:"guardrails_flagged"`
	CasesKept   int64         `json:"failing_cases_kept"`
	CasesMore   int64         `json:"failing_cases_more"`
	// Notes are what the import found worth saying: the tool's own error, a run that did not finish, a
	// model that is not the system's.
	Notes []string `json:"notes"`
	// ModelMismatch is set when the run's model is not one the system lists (see Service.Import).
	ModelMismatch bool            `json:"model_mismatch"`
	Verdict       string          `json:"verdict"`
	Results       []RuleResult    `json:"results"`
	Filename      string          `json:"filename"`
	SHA256        string          `json:"sha256"`
	Size          int64           `json:"size"`
	ImportedBy    string          `json:"imported_by"`
	CreatedAt     time.Time       `json:"created_at"`
	Metrics       []ingest.Metric `json:"metrics,omitempty"`
}

// Ref is the run as a record reference.
func (r *Run) Ref() record.Ref { return record.Ref{Type: record.TypeEvaluation, ID: r.ID} }

// Filter selects runs: of one system, of one tool.
type Filter struct {
	SystemID string
	Tool     string
}

// Store persists evaluation runs and criteria, scoped by organization. Every change writes its activity
// entry in the same transaction.
type Store interface {
	aims.Transactor
	// CreateEvaluation stores r (setting its ID and time) with its metrics, its failing cases and links
	// from it to refs (which must resolve), and one activity entry.
	CreateEvaluation(ctx context.Context, r *Run, cases []ingest.Case, links []record.Ref) error
	// EvaluationByID returns orgID's run id with its metrics; ENOTFOUND when none.
	EvaluationByID(ctx context.Context, orgID, id string) (*Run, error)
	// EvaluationCases returns a page of the failing cases of run id, in file order.
	EvaluationCases(ctx context.Context, orgID, id string, p aims.Page) ([]ingest.Case, string, error)
	// ListEvaluations returns a page of orgID's runs f selects, newest first.
	ListEvaluations(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Run, string, error)
	// EvaluationsOfSystem returns up to limit runs of systemID with their metrics, oldest first.
	EvaluationsOfSystem(ctx context.Context, orgID, systemID string, limit int) ([]*Run, error)
	// EvaluatedSystems returns those of the systems ids that have evaluation runs.
	EvaluatedSystems(ctx context.Context, orgID string, ids []string) ([]string, error)
	// SetEvaluationVerdicts stores the verdicts of runs (a re-judging, recorded by the criteria change).
	SetEvaluationVerdicts(ctx context.Context, orgID string, runs []*Run) error
	// EvaluationCriteria returns the criteria of systemID (none, rev 0, before the first).
	EvaluationCriteria(ctx context.Context, orgID, systemID string) (*Criteria, error)
	// PutEvaluationCriteria stores c if the stored rev is ifRev (any when 0; EPRECONDITION otherwise).
	PutEvaluationCriteria(ctx context.Context, orgID string, c *Criteria, ifRev int64) error
	SystemByID(ctx context.Context, orgID, id string) (*system.System, error)
	SystemComponents(ctx context.Context, orgID, systemID string) ([]*component.SystemComponent, error)
	ResolveRecords(ctx context.Context, orgID string, refs []record.Ref) (map[record.Ref]record.End, error)
}
