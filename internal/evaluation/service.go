package evaluation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
	"github.com/aimsproject/aims/internal/record"
)

// Service applies the rules of evaluation runs over a Store. Callers are authorized already (the route
// tables); the service checks the input and owns the transactions.
type Service struct {
	store Store
	// MaxBytes is the largest file Import reads (ETOOLARGE beyond); NewService sets DefaultMaxBytes.
	MaxBytes int64
	// Options bound what a run keeps of its file.
	Options ingest.Options
}

// NewService returns a Service over st.
func NewService(st Store) *Service { return &Service{store: st, MaxBytes: DefaultMaxBytes} }

// Import is one file to import: its content, its format ("" to tell it from the content) and its name.
type Import struct {
	Body     io.Reader
	Format   string
	Filename string
}

// Import reads in's result file and stores it as a run of orgID's system systemID, judged against the
// system's criteria and linked to the system and the controls it evidences, in one transaction with one
// activity entry. The file is read before the transaction, as a stream; a file of an unknown format, a
// broken one or one over MaxBytes stores nothing (EINVALID, ETOOLARGE).
//
// A run whose model is not one of the system's model components is imported all the same, since the
// file may name the model differently from the inventory, with a note saying so and ModelMismatch set:
// never silently, never refused.
func (s *Service) Import(ctx context.Context, orgID, systemID string, in Import) (*Run, error) {
	if !aims.ValidID(systemID) {
		return nil, aims.Errorf(aims.ENOTFOUND, "There is no such AI system.")
	}
	if _, err := s.store.SystemByID(ctx, orgID, systemID); err != nil {
		return nil, err
	}
	if len(in.Filename) > 300 {
		in.Filename = in.Filename[:300]
	}
	h := sha256.New()
	lim := &limitReader{r: in.Body, left: s.MaxBytes}
	parsed, err := ingest.Read(io.TeeReader(lim, h), in.Format, s.Options)
	if lim.over {
		return nil, aims.Errorf(aims.ETOOLARGE, "The file is over the import limit of %d MiB.", s.MaxBytes>>20)
	}
	if err != nil {
		return nil, err
	}
	// Read what is left (space after the document) so that the digest is the whole file's.
	if _, err := io.Copy(h, lim); err != nil && !lim.over {
		return nil, fmt.Errorf("cannot read the file: %w", err)
	}
	if lim.over {
		return nil, aims.Errorf(aims.ETOOLARGE, "The file is over the import limit of %d MiB.", s.MaxBytes>>20)
	}
	r := runOf(parsed)
	r.OrgID, r.SystemID, r.Filename = orgID, systemID, strings.TrimSpace(in.Filename)
	r.SHA256, r.Size = hex.EncodeToString(h.Sum(nil)), lim.read
	r.ImportedBy = aims.ActorFrom(ctx).Name
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		sys, err := s.store.SystemByID(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		r.SystemName = sys.Name
		if err := s.checkModel(ctx, orgID, r); err != nil {
			return err
		}
		c, err := s.store.EvaluationCriteria(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		r.Verdict, r.Results = Judge(c.Rules, r.Tool, r.Metrics)
		links, err := s.links(ctx, orgID, r)
		if err != nil {
			return err
		}
		return s.store.CreateEvaluation(ctx, r, parsed.Cases, links)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func runOf(p *ingest.Run) *Run {
	r := &Run{Tool: p.Format, ToolVersion: p.ToolVersion, Model: p.Model, Name: p.Name, Status: p.Status, RedTeam: p.RedTeam,
		Counts: p.Counts, Guardrails: p.Guardrails, CasesKept: int64(len(p.Cases)), CasesMore: p.CasesMore, Notes: p.Notes,
		Metrics: p.Metrics}
	if !p.StartedAt.IsZero() {
		t := p.StartedAt
		r.StartedAt = &t
	}
	if r.Notes == nil {
		r.Notes = []string{}
	}
	return r
}

// links returns the records the run evidences: its system and the controls, those of them the
// organization's catalog holds.
func (s *Service) links(ctx context.Context, orgID string, r *Run) ([]record.Ref, error) {
	refs := []record.Ref{{Type: record.TypeSystem, ID: r.SystemID}}
	names := ControlsEvaluation
	if r.RedTeam {
		names = append(append([]string(nil), names...), ControlsRedTeam...)
	}
	var controls []record.Ref
	for _, n := range names {
		ref, err := record.ParseRef(n, "control")
		if err != nil {
			return nil, err
		}
		controls = append(controls, ref)
	}
	found, err := s.store.ResolveRecords(ctx, orgID, controls)
	if err != nil {
		return nil, err
	}
	for _, c := range controls {
		if _, ok := found[c]; ok {
			refs = append(refs, c)
		}
	}
	return refs, nil
}

// checkModel notes on r when its model is not one of the system's model components.
func (s *Service) checkModel(ctx context.Context, orgID string, r *Run) error {
	comps, err := s.store.SystemComponents(ctx, orgID, r.SystemID)
	if err != nil {
		return err
	}
	var models []string
	for _, c := range comps {
		if c.Kind == "model" {
			models = append(models, c.Name)
		}
	}
	if r.Model == "" {
		r.Notes = append(r.Notes, "The file does not name the model under test.")
		return nil
	}
	if len(models) == 0 {
		r.ModelMismatch = true
		r.Notes = append(r.Notes, fmt.Sprintf("The system lists no model component, so the model under test (%s) could not be checked.", r.Model))
		return nil
	}
	for _, m := range models {
		if SameModel(r.Model, m) {
			return nil
		}
	}
	r.ModelMismatch = true
	r.Notes = append(r.Notes, fmt.Sprintf("The model under test (%s) is not one of the system's models (%s).", r.Model, strings.Join(models, ", ")))
	return nil
}

// SameModel reports whether the model a tool names (perhaps several, comma separated, with a provider
// prefix such as "openai:" or "ollama/") is the model a component names: equal ignoring case and the
// prefix, or one contains the other.
func SameModel(tool, comp string) bool {
	c := normModel(comp)
	if c == "" {
		return false
	}
	for _, t := range strings.Split(tool, ",") {
		t = normModel(t)
		if t != "" && (t == c || strings.Contains(t, c) || strings.Contains(c, t)) {
			return true
		}
	}
	return false
}

func normModel(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.LastIndexAny(s, ":/"); i >= 0 && i < len(s)-1 {
		s = s[i+1:]
	}
	return s
}

// limitReader reads up to left bytes of r and sets over when r holds more.
type limitReader struct {
	r    io.Reader
	left int64
	read int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		l.over = true
		return 0, errTooLarge
	}
	l.left -= int64(n)
	l.read += int64(n)
	return n, err
}

var errTooLarge = errors.New("the file is over the import limit")

// Run returns orgID's run id with its metrics.
func (s *Service) Run(ctx context.Context, orgID, id string) (*Run, error) {
	if !aims.ValidID(id) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such evaluation run.")
	}
	return s.store.EvaluationByID(ctx, orgID, id)
}

// Cases returns a page of the failing cases kept of orgID's run id.
func (s *Service) Cases(ctx context.Context, orgID, id string, p aims.Page) ([]ingest.Case, string, error) {
	if _, err := s.Run(ctx, orgID, id); err != nil {
		return nil, "", err
	}
	return s.store.EvaluationCases(ctx, orgID, id, p)
}

// List returns a page of orgID's runs f selects, newest first; ENOTFOUND when f names a system that is
// not orgID's.
func (s *Service) List(ctx context.Context, orgID string, f Filter, p aims.Page) ([]*Run, string, error) {
	if f.SystemID != "" {
		if !aims.ValidID(f.SystemID) {
			return nil, "", aims.Errorf(aims.ENOTFOUND, "There is no such AI system.")
		}
		if _, err := s.store.SystemByID(ctx, orgID, f.SystemID); err != nil {
			return nil, "", err
		}
	}
	if f.Tool != "" {
		t, err := ingest.ParseFormat(f.Tool)
		if err != nil {
			return nil, "", aims.FieldError("tool", "%s", aims.ErrorMessage(err))
		}
		f.Tool = t
	}
	return s.store.ListEvaluations(ctx, orgID, f, p)
}

// Criteria returns the acceptance criteria of orgID's system systemID.
func (s *Service) Criteria(ctx context.Context, orgID, systemID string) (*Criteria, error) {
	if !aims.ValidID(systemID) {
		return nil, aims.Errorf(aims.ENOTFOUND, "There is no such AI system.")
	}
	if _, err := s.store.SystemByID(ctx, orgID, systemID); err != nil {
		return nil, err
	}
	return s.store.EvaluationCriteria(ctx, orgID, systemID)
}

// Deleting refuses the deletion of a system with evaluation runs: they are evidence the management
// system keeps (ECONFLICT); app.NewServices adds it to the systems' delete rules.
func (s *Service) Deleting(ctx context.Context, orgID string, refs ...record.Ref) error {
	var ids []string
	for _, r := range refs {
		if r.Type == record.TypeSystem {
			ids = append(ids, r.ID)
		}
	}
	found, err := s.store.EvaluatedSystems(ctx, orgID, ids)
	if err != nil || len(found) == 0 {
		return err
	}
	return aims.Errorf(aims.ECONFLICT, "This AI system has evaluation runs, which the management system keeps as evidence: retire the system instead of deleting it.")
}

// maxJudged bounds the runs of a system re-judged when its criteria change (the newest).
const maxJudged = 1000

// SetCriteria replaces the acceptance criteria of orgID's system systemID with rules, if their rev is
// ifRev (0: any; EPRECONDITION otherwise), and judges the system's runs again against them, in one
// transaction with one activity entry.
func (s *Service) SetCriteria(ctx context.Context, orgID, systemID string, rules []Rule, ifRev int64) (*Criteria, error) {
	rules, err := CheckRules(rules)
	if err != nil {
		return nil, err
	}
	if rules == nil {
		rules = []Rule{}
	}
	var c *Criteria
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		cur, err := s.Criteria(ctx, orgID, systemID)
		if err != nil {
			return err
		}
		if ifRev != 0 && ifRev != cur.Rev {
			return aims.Stale("the acceptance criteria", cur.Rev, ifRev)
		}
		c = &Criteria{SystemID: systemID, Rules: rules, UpdatedBy: aims.ActorFrom(ctx).Name}
		if err := s.store.PutEvaluationCriteria(ctx, orgID, c, cur.Rev); err != nil {
			return err
		}
		runs, err := s.store.EvaluationsOfSystem(ctx, orgID, systemID, maxJudged)
		if err != nil {
			return err
		}
		for _, r := range runs {
			r.Verdict, r.Results = Judge(rules, r.Tool, r.Metrics)
		}
		return s.store.SetEvaluationVerdicts(ctx, orgID, runs)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
