// Package readiness tells an organization how far it is from its ISO/IEC 42001 certification audit: for
// every clause item and control of the frameworks in use, whether it is applicable, owned, implemented,
// evidenced and fresh; roll-ups by clause, Annex A group and framework (the mapped ones through the
// crosswalks); the gaps with their next action and owner; the documented information an auditor asks
// for with what exists of it; and a daily trend kept from the first day.
package readiness

import (
	"time"
)

// Steps of an item, in the order it gets there.
const (
	StepDecide    = "decide"    // an Annex A control with no decision or no justification
	StepOwn       = "own"       // no owner who is a member
	StepImplement = "implement" // not implemented
	StepEvidence  = "evidence"  // nothing evidences it
	StepRefresh   = "refresh"   // its evidence lapsed
	StepReady     = "ready"
)

// Item is one clause item or control and how far it is.
type Item struct {
	Framework string `json:"framework"`
	// FrameworkName is the framework's name, for the roll-up by framework.
	FrameworkName string `json:"framework_name,omitempty"`
	Ref           string `json:"ref"`
	Title         string `json:"title"`
	GroupRef      string `json:"group_ref"`
	GroupTitle    string `json:"group_title"`
	// Clause is set for a clause item (4.1 to 10.2), which is always applicable.
	Clause        bool   `json:"clause"`
	Applicability string `json:"applicability"`
	Applicable    bool   `json:"applicable"`
	Excluded      bool   `json:"excluded"`
	Owned         bool   `json:"owned"`
	OwnerID       string `json:"owner_id,omitempty"`
	OwnerName     string `json:"owner_name,omitempty"`
	Implemented   bool   `json:"implemented"`
	Evidenced     bool   `json:"evidenced"`
	Fresh         bool   `json:"fresh"`
	// Evidence counts what evidences the item: references on it and evidence linked to it.
	Evidence int `json:"evidence"`
	// LapsesOn is the soonest date a piece of its current evidence stops being valid, when that is within
	// ExpiryWarningDays: collect it again before then.
	LapsesOn string `json:"lapses_on,omitempty"`
	// Step is the first step the item lacks (StepReady when it lacks none); Next says what to do.
	Step string `json:"step"`
	Next string `json:"next,omitempty"`
	Href string `json:"href"`
}

// Ready reports whether the item needs nothing more: decided and, when applicable, owned, implemented,
// evidenced and fresh. An excluded control with its justification is ready.
func (it *Item) Ready() bool { return it.Step == StepReady }

// Rollup counts the items of a part: a clause, an Annex A group, a framework.
type Rollup struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Items       int    `json:"items"`
	Decided     int    `json:"decided"`
	Applicable  int    `json:"applicable"`
	Owned       int    `json:"owned"`
	Implemented int    `json:"implemented"`
	Evidenced   int    `json:"evidenced"`
	Fresh       int    `json:"fresh"`
	Ready       int    `json:"ready"`
	// Percent is the share of the items that are ready.
	Percent int    `json:"percent"`
	Href    string `json:"href,omitempty"`
}

func (r *Rollup) add(it *Item) {
	r.Items++
	if it.Applicability != "undecided" || it.Clause {
		r.Decided++
	}
	if it.Applicable {
		r.Applicable++
		if it.Owned {
			r.Owned++
		}
		if it.Implemented {
			r.Implemented++
		}
		if it.Evidenced {
			r.Evidenced++
		}
		if it.Fresh {
			r.Fresh++
		}
	}
	if it.Ready() {
		r.Ready++
	}
}

func (r *Rollup) finish() {
	if r.Items > 0 {
		r.Percent = r.Ready * 100 / r.Items
	}
}

// MappedCoverage is a mapped framework (NIST AI RMF, the EU AI Act's obligations), the requirements of it
// in scope, and how many of them the organization's ISO/IEC 42001 implementation covers: Covered those an
// implemented item mapped to them covers, Partial those only a partly implemented one does.
type MappedCoverage struct {
	Framework string `json:"framework"`
	Title     string `json:"title"`
	Scope     string `json:"scope"`
	Targets   int    `json:"targets"`
	Covered   int    `json:"covered"`
	Partial   int    `json:"partial"`
	// Percent is the share of the requirements covered.
	Percent int `json:"percent"`
}

// Mapped is a mapped framework on the home page: its coverage, and its readiness counted.
type Mapped struct {
	MappedCoverage
	Href string `json:"href"`
	// Readiness counts the requirements in scope by how far the ISO/IEC 42001 items mapped to them are
	// (see MappedReadiness); its Href lists them.
	Readiness Rollup `json:"readiness"`
}

// Document is an item of the documented information ISO/IEC 42001 requires, with what aims holds of it.
type Document struct {
	Clause string `json:"clause"`
	Title  string `json:"title"`
	// Kind is "maintain" (kept current) or "retain" (kept as a record).
	Kind   string `json:"kind"`
	Exists bool   `json:"exists"`
	Detail string `json:"detail"`
	Href   string `json:"href"`
}

// Day is the readiness of one day, for the trend.
type Day struct {
	Day         string `json:"day"`
	Items       int    `json:"items"`
	Ready       int    `json:"ready"`
	Implemented int    `json:"implemented"`
	Evidenced   int    `json:"evidenced"`
}

// Percent is the day's share of ready items.
func (d Day) Percent() int {
	if d.Items == 0 {
		return 0
	}
	return d.Ready * 100 / d.Items
}

// Systems sums up the AI systems against the release gate of their next stage.
type Systems struct {
	// Shown are the first systems with their gate; More says there are more than shown.
	Shown []SystemState `json:"systems"`
	More  bool          `json:"more"`
}

// SystemState is one system against its gate.
type SystemState struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Stage string `json:"stage"`
	Gate  string `json:"gate_stage"`
	Open  bool   `json:"open"`
	// Conditions counts the conditions of the gate, Met those met and Unmet the others.
	Conditions int    `json:"conditions"`
	Met        int    `json:"met"`
	Unmet      int    `json:"unmet"`
	Missing    string `json:"missing,omitempty"`
}

// Readiness is the whole picture.
type Readiness struct {
	GeneratedAt time.Time `json:"generated_at"`
	Overall     Rollup    `json:"overall"`
	Clauses     []Rollup  `json:"clauses"`
	Groups      []Rollup  `json:"annex_a_groups"`
	Frameworks  []Rollup  `json:"frameworks"`
	Mapped      []Mapped  `json:"mapped"`
	Systems     Systems   `json:"systems"`
	// Gaps are the first items not ready, clause items first, in the standard's order; GapCount counts
	// them all.
	Gaps     []Item `json:"gaps"`
	GapCount int    `json:"gap_count"`
	// Lapsing are the items whose evidence lapses within ExpiryWarningDays, soonest first.
	Lapsing   []Item     `json:"lapsing"`
	Documents []Document `json:"documents"`
	Trend     []Day      `json:"trend"`
}
