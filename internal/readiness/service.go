package readiness

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/impact"
	"github.com/aimsproject/aims/internal/risk"
	"github.com/aimsproject/aims/internal/system"
)

// maxGaps bounds the gaps listed; systemsShown the systems checked against their gate.
const (
	maxGaps      = 100
	systemsShown = 8
	trendDays    = 180
)

// EvidenceState is what evidences one requirement of an organization: how many current pieces of
// evidence, and how many lapsed.
type EvidenceState struct {
	Current, Lapsed int
	// LapsedOn is the latest date a lapsed piece stopped being valid (YYYY-MM-DD); LapsesOn the soonest
	// date a current piece stops being valid, when that is within the warning period (ExpiryWarningDays).
	LapsedOn, LapsesOn string
	// Failing counts the evaluation runs linked to the requirement that fail their acceptance criteria.
	Failing int
}

// EvaluationMaxAgeDays is how long an evaluation run that passes its criteria counts as current evidence.
const EvaluationMaxAgeDays = 90

// ExpiryWarningDays is how long before evidence lapses readiness shows it.
const ExpiryWarningDays = 30

// EvidenceSource tells the evidence of every requirement of an organization, keyed "FRAMEWORK/REF".
type EvidenceSource func(ctx context.Context, orgID string) (map[string]EvidenceState, error)

// Store keeps the daily trend.
type Store interface {
	// ReadinessDays returns orgID's days from since (YYYY-MM-DD) on, oldest first.
	ReadinessDays(ctx context.Context, orgID, since string) ([]Day, error)
	// SaveReadinessDay stores (or replaces) orgID's day d.
	SaveReadinessDay(ctx context.Context, orgID string, d Day) error
	// InTx reports whether ctx carries a transaction, whose queries must not run at once.
	InTx(ctx context.Context) bool
}

// Service computes readiness from the other services.
type Service struct {
	store    Store
	Controls *control.Service
	Systems  *system.Service
	Risks    *risk.Service
	Impacts  *impact.Service
	Gate     *gate.Service
	// Evidence, when set, adds the evidence linked to each requirement to the references on it.
	Evidence EvidenceSource
	Now      aims.Clock
}

// NewService returns a readiness service over st; app.NewServices sets the services it reads.
func NewService(st Store) *Service { return &Service{store: st, Now: aims.Now} }

// Compute returns orgID's readiness, and records today's figures for the trend.
func (s *Service) Compute(ctx context.Context, orgID string) (*Readiness, error) {
	now := s.Now().UTC()
	today := now.Format(time.DateOnly)
	items, err := s.Items(ctx, orgID)
	if err != nil {
		return nil, err
	}
	r := &Readiness{GeneratedAt: now, Overall: Rollup{Key: "all", Title: "Everything"}}
	clauses, groups, fws := map[string]*Rollup{}, map[string]*Rollup{}, map[string]*Rollup{}
	var clauseOrder, groupOrder, fwOrder []string
	roll := func(m map[string]*Rollup, order *[]string, key, title, href string, it *Item) {
		ru := m[key]
		if ru == nil {
			ru = &Rollup{Key: key, Title: title, Href: href}
			m[key] = ru
			*order = append(*order, key)
		}
		ru.add(it)
	}
	for i := range items {
		it := &items[i]
		r.Overall.add(it)
		fwTitle := it.FrameworkName
		switch {
		case it.Framework == framework.ISO42001:
			fwTitle = "ISO/IEC 42001:2023"
		case fwTitle == "":
			fwTitle = it.Framework
		}
		roll(fws, &fwOrder, it.Framework, fwTitle, "", it)
		switch {
		case it.Clause:
			key, _, _ := strings.Cut(it.Ref, ".")
			roll(clauses, &clauseOrder, key, clauseTitles[key], "/clauses", it)
		case it.Framework == framework.ISO42001:
			key, title := annexGroup(it)
			roll(groups, &groupOrder, key, title, "/soa", it)
		}
		if it.LapsesOn != "" && len(r.Lapsing) < maxGaps {
			r.Lapsing = append(r.Lapsing, *it)
		}
		if !it.Ready() {
			r.GapCount++
			if len(r.Gaps) < maxGaps {
				r.Gaps = append(r.Gaps, *it)
			}
		}
	}
	slices.SortStableFunc(r.Lapsing, func(a, b Item) int { return strings.Compare(a.LapsesOn, b.LapsesOn) })
	r.Overall.finish()
	for _, k := range clauseOrder {
		clauses[k].finish()
		r.Clauses = append(r.Clauses, *clauses[k])
	}
	for _, k := range groupOrder {
		groups[k].finish()
		r.Groups = append(r.Groups, *groups[k])
	}
	for _, k := range fwOrder {
		fws[k].finish()
		r.Frameworks = append(r.Frameworks, *fws[k])
	}
	for _, key := range MappedFrameworks {
		m, err := s.mapped(ctx, orgID, key, items)
		if err != nil {
			return nil, fmt.Errorf("cannot compute the readiness of %s: %w", key, err)
		}
		r.Mapped = append(r.Mapped, Mapped{MappedCoverage: m.MappedCoverage, Href: "/coverage?" + url.Values{"framework": {key}}.Encode(),
			Readiness: m.Rollup})
	}
	if r.Systems, err = s.systems(ctx, orgID); err != nil {
		return nil, err
	}
	if r.Documents, err = s.documents(ctx, orgID, items); err != nil {
		return nil, err
	}
	day := Day{Day: today, Items: r.Overall.Items, Ready: r.Overall.Ready, Implemented: r.Overall.Implemented, Evidenced: r.Overall.Evidenced}
	if r.Trend, err = s.store.ReadinessDays(ctx, orgID, now.AddDate(0, 0, -trendDays).Format(time.DateOnly)); err != nil {
		return nil, err
	}
	if n := len(r.Trend); n == 0 || r.Trend[n-1] != day {
		if err := s.store.SaveReadinessDay(ctx, orgID, day); err != nil {
			return nil, err
		}
		if n > 0 && r.Trend[n-1].Day == today {
			r.Trend[n-1] = day
		} else {
			r.Trend = append(r.Trend, day)
		}
	}
	return r, nil
}

// annexGroup is the Annex A group (A.2 to A.10) of an Annex A control: A.6's two objectives (A.6.1,
// A.6.2) roll up into one.
func annexGroup(it *Item) (key, title string) {
	parts := strings.SplitN(it.Ref, ".", 3)
	if len(parts) < 2 {
		return it.GroupRef, it.GroupTitle
	}
	key = parts[0] + "." + parts[1]
	if key == it.GroupRef {
		return key, key + " " + it.GroupTitle
	}
	if key == "A.6" {
		return key, "A.6 AI system life cycle"
	}
	return key, key + " " + it.GroupTitle
}

// clauseTitles name the clauses of ISO/IEC 42001 in our words.
var clauseTitles = map[string]string{"4": "4 Context", "5": "5 Leadership", "6": "6 Planning", "7": "7 Support",
	"8": "8 Operation", "9": "9 Performance evaluation", "10": "10 Improvement"}

// Items returns every clause item and every control of orgID's SoA with how far it is, in the
// standard's order: the clauses, then the SoA's rows.
func (s *Service) Items(ctx context.Context, orgID string) ([]Item, error) {
	clauses, err := s.Controls.Clauses(ctx, orgID)
	if err != nil {
		return nil, err
	}
	rows, err := s.Controls.SoAControls(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var ev map[string]EvidenceState
	if s.Evidence != nil {
		if ev, err = s.Evidence(ctx, orgID); err != nil {
			return nil, err
		}
	}
	items := make([]Item, 0, len(clauses)+len(rows))
	for _, c := range clauses {
		it := Item{Framework: c.Framework, FrameworkName: c.FrameworkName, Ref: c.Ref, Title: c.Title, GroupRef: c.GroupRef, GroupTitle: c.GroupTitle, Clause: true,
			Applicability: control.Applicable, Applicable: true, Owned: c.HasOwner(), OwnerID: c.OwnerID,
			Implemented: c.Status == control.Implemented, Evidence: c.LinkCount, Href: controlHref(c.Framework, c.Ref)}
		if it.Owned {
			it.OwnerName = c.OwnerName
		}
		judge(&it, ev[c.Framework+"/"+c.Ref], c.Status, c.TargetDate)
		items = append(items, it)
	}
	for _, c := range rows {
		it := Item{Framework: c.Framework, FrameworkName: c.FrameworkName, Ref: c.Ref, Title: c.Title, GroupRef: c.GroupRef,
			GroupTitle: c.GroupTitle, Applicability: c.Applicability, Applicable: c.Applicability == control.Applicable, Excluded: c.Applicability == control.Excluded,
			Owned: c.HasOwner(), OwnerID: c.OwnerID, Implemented: c.Status == control.Implemented, Evidence: c.LinkCount,
			Href: controlHref(c.Framework, c.Ref)}
		if it.Owned {
			it.OwnerName = c.OwnerName
		}
		if !c.Decided() {
			it.Applicability = control.Undecided
			it.Applicable, it.Excluded = false, false
		}
		judge(&it, ev[c.Framework+"/"+c.Ref], c.Status, c.TargetDate)
		items = append(items, it)
	}
	return items, nil
}

func controlHref(key, ref string) string {
	return "/controls/" + url.PathEscape(key) + "/" + url.PathEscape(ref)
}

// judge sets it's evidence, freshness and first missing step with what to do next.
func judge(it *Item, ev EvidenceState, status, target string) {
	it.Evidence += ev.Current
	it.Evidenced = it.Evidence > 0 || ev.Lapsed > 0 || ev.Failing > 0
	it.Fresh = it.Evidence > 0
	it.LapsesOn = ev.LapsesOn
	name := it.Ref + " " + it.Title
	switch {
	case it.Applicability == control.Undecided:
		it.Step, it.Next = StepDecide, "Decide whether "+it.Ref+" applies and write down why (Statement of Applicability)."
	case it.Excluded:
		it.Step = StepReady
	case !it.Owned:
		it.Step, it.Next = StepOwn, "Name a member who answers for "+name+"."
	case !it.Implemented:
		it.Step, it.Next = StepImplement, "Implement "+name+": it is "+strings.ReplaceAll(orNot(status), "_", " ")
		if target != "" {
			it.Next += ", due " + target
		}
		it.Next += "."
	case !it.Evidenced:
		it.Step, it.Next = StepEvidence, "Attach evidence an auditor can sample to "+name+": a document, file, link or evaluation run."
	case !it.Fresh && ev.Failing > 0 && ev.Lapsed == 0:
		it.Step, it.Next = StepRefresh, "The evaluation runs of "+name+" fail their acceptance criteria: fix what they show and run them again."
	case !it.Fresh:
		it.Step, it.Next = StepRefresh, "The evidence of "+name+" lapsed"
		if ev.LapsedOn != "" {
			it.Next += " on " + ev.LapsedOn
		}
		it.Next += ": collect it again."
	default:
		it.Step = StepReady
	}
}

func orNot(status string) string {
	if status == "" {
		return control.NotStarted
	}
	return status
}

// systems checks the first systems, by name, against the release gate of their next stage.
func (s *Service) systems(ctx context.Context, orgID string) (Systems, error) {
	ss, next, err := s.Systems.List(ctx, orgID, system.Filter{Sort: "name"}, aims.Page{Limit: systemsShown})
	if err != nil {
		return Systems{}, err
	}
	shown, err := s.gates(ctx, orgID, ss)
	if err != nil {
		return Systems{}, err
	}
	return Systems{More: next != "", Shown: shown}, nil
}

// gateWorkers bounds the gate checks run at once.
const gateWorkers = 4

// gates checks each of ss against the release gate of its next stage, a few at once (one at a time in a
// transaction).
func (s *Service) gates(ctx context.Context, orgID string, ss []*system.System) ([]SystemState, error) {
	out := make([]SystemState, len(ss))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(gateWorkers)
	if s.store.InTx(ctx) {
		g.SetLimit(1)
	}
	for i, sys := range ss {
		g.Go(func() error {
			stage := gate.NextStage(sys)
			res, err := s.Gate.Check(gctx, orgID, sys.ID, stage)
			if err != nil {
				return err
			}
			st := SystemState{ID: sys.ID, Name: sys.Name, Stage: sys.Stage, Gate: stage, Open: res.Pass, Conditions: len(res.Conditions)}
			u := res.Unmet()
			st.Unmet, st.Met = len(u), len(res.Conditions)-len(u)
			if len(u) > 0 {
				st.Missing = u[0].Title
			}
			out[i] = st
			return nil
		})
	}
	return out, g.Wait()
}

// SystemsPage returns a page of orgID's systems, by name, each against the release gate of its next
// stage: the roll-up by AI system.
func (s *Service) SystemsPage(ctx context.Context, orgID string, p aims.Page) ([]SystemState, string, error) {
	ss, next, err := s.Systems.List(ctx, orgID, system.Filter{Sort: "name"}, p)
	if err != nil {
		return nil, "", err
	}
	out, err := s.gates(ctx, orgID, ss)
	return out, next, err
}
