package risk

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
)

// Criteria are an organization's AI risk criteria (ISO/IEC 42001, 6.1.1 and 6.1.2), set before risks are
// assessed against them: the likelihood and consequence scales, the axes consequences are judged on, the
// levels and the matrix that gives a level for each likelihood and consequence, the highest level that
// may be accepted without treatment, and which role may accept which level. Criteria are versioned: a
// saved version never changes, and each assessment records the version it used.
type Criteria struct {
	OrgID   string `json:"-"`
	Version int64  `json:"version"`
	// Likelihood and Consequence are the scales, lowest first; a rating is a step's number (1-based).
	Likelihood  []Step `json:"likelihood"`
	Consequence []Step `json:"consequence"`
	// Axes are what consequences are judged for: the organization, individuals, groups, society.
	Axes []Axis `json:"axes"`
	// Levels are the risk levels, lowest first.
	Levels []Level `json:"levels"`
	// Matrix gives the level key of each likelihood (row, lowest first) and consequence (column, lowest
	// first).
	Matrix [][]string `json:"matrix"`
	// Acceptable is the highest level a risk may have and be retained without treatment.
	Acceptable string `json:"acceptable"`
	// Sources and Objectives are the risk sources and the objectives a risk names (ISO/IEC 42001
	// Annex C's by default); the organization may add its own.
	Sources    []Option `json:"sources"`
	Objectives []Option `json:"objectives"`
	// Escalation says when overdue treatment actions reach beyond their owner.
	Escalation Escalation `json:"escalation"`
	// Note says why this version was made.
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Step is one step of a scale: its label ("Likely") and what it means, in the organization's words.
type Step struct {
	Label      string `json:"label"`
	Definition string `json:"definition"`
}

// Option is an entry of a list the criteria keep: its key and its name.
type Option struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Axis is what consequences are judged for.
type Axis struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Escalation is how many days after its due date an overdue action on a risk (a task on it) is told to
// the risk's owner, and then to the organization's owners (the AIMS owners). The action's owner is
// reminded from the first day, as every task's owner is. Zero keeps that step from happening.
type Escalation struct {
	RiskOwnerDays int `json:"risk_owner_days"`
	AIMSOwnerDays int `json:"aims_owner_days"`
}

// Level is a risk level: its key, name, and the least role that may accept a residual risk of it.
type Level struct {
	Key        string    `json:"key"`
	Name       string    `json:"name"`
	AcceptedBy aims.Role `json:"accepted_by"`
}

// Default is the criteria a new organization starts with: five steps of likelihood and consequence, the
// four axes, four levels, and a matrix by the product of the two ratings.
func Default() *Criteria {
	c := &Criteria{
		Likelihood: []Step{
			{"Rare", "Not expected to happen in the system's life; no known case in comparable systems."},
			{"Unlikely", "Could happen, but is not expected within the next year."},
			{"Possible", "Might well happen within the next year; comparable systems have had it."},
			{"Likely", "Expected to happen within the next year."},
			{"Almost certain", "Happens already, or will happen repeatedly in normal use."},
		},
		Consequence: []Step{
			{"Negligible", "Barely noticed; set right at once without cost."},
			{"Minor", "A nuisance or small loss, set right within days."},
			{"Moderate", "Real harm or loss that takes effort and time to set right."},
			{"Major", "Serious harm to people, rights or the organization; hard to set right."},
			{"Severe", "Lasting or irreversible harm, to many or to anyone's life, health or fundamental rights."},
		},
		Axes: []Axis{
			{"organization", "The organization"},
			{"individuals", "Individuals"},
			{"groups", "Groups of people"},
			{"society", "Society"},
		},
		Levels: []Level{
			{"low", "Low", aims.RoleContributor},
			{"medium", "Medium", aims.RoleManager},
			{"high", "High", aims.RoleAdmin},
			{"critical", "Critical", aims.RoleOwner},
		},
		Acceptable: "low",
		// ISO/IEC 42001:2023 Annex C: the numbers and names of its risk sources (C.3) and objectives (C.2).
		Sources: []Option{{"C.3.1", "Complexity of environment"}, {"C.3.2", "Lack of transparency and explainability"},
			{"C.3.3", "Level of automation"}, {"C.3.4", "Risk sources related to machine learning"}, {"C.3.5", "System hardware issues"},
			{"C.3.6", "System life cycle issues"}, {"C.3.7", "Technology readiness"}},
		Objectives: []Option{{"C.2.1", "Accountability"}, {"C.2.2", "AI expertise"},
			{"C.2.3", "Availability and quality of training and test data"}, {"C.2.4", "Environmental impact"}, {"C.2.5", "Fairness"},
			{"C.2.6", "Maintainability"}, {"C.2.7", "Privacy"}, {"C.2.8", "Robustness"}, {"C.2.9", "Safety"}, {"C.2.10", "Security"},
			{"C.2.11", "Transparency and explainability"}},
		Escalation: Escalation{RiskOwnerDays: 7, AIMSOwnerDays: 21},
		Note:       "The default criteria aims starts every organization with: review them before the first assessment.",
	}
	for l := 1; l <= 5; l++ {
		row := make([]string, 5)
		for k := 1; k <= 5; k++ {
			switch p := l * k; {
			case p <= 4:
				row[k-1] = "low"
			case p <= 9:
				row[k-1] = "medium"
			case p <= 16:
				row[k-1] = "high"
			default:
				row[k-1] = "critical"
			}
		}
		c.Matrix = append(c.Matrix, row)
	}
	return c
}

// Limits of criteria: scales of 2 to 10 steps, 1 to 8 axes, 2 to 8 levels, 1 to 50 sources and objectives.
const (
	minSteps, maxSteps   = 2, 10
	maxAxes              = 8
	minLevels, maxLevels = 2, 8
	maxOptions           = 50
)

// check validates c and trims its text; EINVALID names the field at fault.
func (c *Criteria) check() error {
	for _, sc := range []struct {
		field string
		steps []Step
	}{{"likelihood", c.Likelihood}, {"consequence", c.Consequence}} {
		if n := len(sc.steps); n < minSteps || n > maxSteps {
			return aims.FieldError(sc.field, "A scale has %d to %d steps; this one has %d.", minSteps, maxSteps, n)
		}
		seen := map[string]bool{}
		for i := range sc.steps {
			s := &sc.steps[i]
			s.Label, s.Definition = strings.TrimSpace(s.Label), strings.TrimSpace(s.Definition)
			field := fmt.Sprintf("%s[%d]", sc.field, i)
			if s.Label == "" {
				return aims.FieldError(field+".label", "Give step %d a label.", i+1)
			}
			if seen[strings.ToLower(s.Label)] {
				return aims.FieldError(field+".label", "Two steps are labelled %q.", s.Label)
			}
			seen[strings.ToLower(s.Label)] = true
			if err := aims.CheckText(s.Label, field+".label", 60, false); err != nil {
				return err
			}
			if err := aims.CheckText(s.Definition, field+".definition", 500, true); err != nil {
				return err
			}
		}
	}
	if len(c.Axes) == 0 || len(c.Axes) > maxAxes {
		return aims.FieldError("axes", "Judge consequences on 1 to %d axes.", maxAxes)
	}
	keys := map[string]bool{}
	for i := range c.Axes {
		a := &c.Axes[i]
		a.Key, a.Name = strings.TrimSpace(a.Key), strings.TrimSpace(a.Name)
		field := fmt.Sprintf("axes[%d]", i)
		if !validKey(a.Key) {
			return aims.FieldError(field+".key", "An axis key is 1 to 40 lower-case letters, digits or dashes.")
		}
		if keys[a.Key] {
			return aims.FieldError(field+".key", "Two axes have the key %q.", a.Key)
		}
		keys[a.Key] = true
		if a.Name == "" {
			a.Name = a.Key
		}
		if err := aims.CheckText(a.Name, field+".name", 80, false); err != nil {
			return err
		}
	}
	if n := len(c.Levels); n < minLevels || n > maxLevels {
		return aims.FieldError("levels", "Give %d to %d levels; these criteria have %d.", minLevels, maxLevels, n)
	}
	levels := map[string]bool{}
	for i := range c.Levels {
		l := &c.Levels[i]
		l.Key, l.Name = strings.TrimSpace(l.Key), strings.TrimSpace(l.Name)
		field := fmt.Sprintf("levels[%d]", i)
		if !validKey(l.Key) {
			return aims.FieldError(field+".key", "A level key is 1 to 40 lower-case letters, digits or dashes.")
		}
		if levels[l.Key] {
			return aims.FieldError(field+".key", "Two levels have the key %q.", l.Key)
		}
		levels[l.Key] = true
		if l.Name == "" {
			l.Name = l.Key
		}
		if err := aims.CheckText(l.Name, field+".name", 60, false); err != nil {
			return err
		}
		if !l.AcceptedBy.Valid() || !aims.MayOwn(l.AcceptedBy, aims.ResRisk) {
			return aims.FieldError(field+".accepted_by", "Name the least role that may accept a risk of this level: contributor, manager, admin or owner.")
		}
		if i > 0 && !c.Levels[i-1].AcceptedBy.AtMost(l.AcceptedBy) {
			return aims.FieldError(field+".accepted_by", "A higher level cannot be accepted by a lesser role than a lower one.")
		}
	}
	if len(c.Matrix) != len(c.Likelihood) {
		return aims.FieldError("matrix", "The matrix has a row for each step of likelihood (%d); it has %d.", len(c.Likelihood), len(c.Matrix))
	}
	for i, row := range c.Matrix {
		if len(row) != len(c.Consequence) {
			return aims.FieldError(fmt.Sprintf("matrix[%d]", i), "Each row has a level for each step of consequence (%d); row %d has %d.",
				len(c.Consequence), i+1, len(row))
		}
		for j, k := range row {
			if !levels[k] {
				return aims.FieldError(fmt.Sprintf("matrix[%d][%d]", i, j), "Unknown level %q: use one of the levels' keys.", k)
			}
		}
	}
	for _, list := range []struct {
		field string
		opts  []Option
	}{{"sources", c.Sources}, {"objectives", c.Objectives}} {
		if len(list.opts) == 0 || len(list.opts) > maxOptions {
			return aims.FieldError(list.field, "Keep 1 to %d %s.", maxOptions, list.field)
		}
		seen := map[string]bool{}
		for i := range list.opts {
			o := &list.opts[i]
			o.Key, o.Name = strings.TrimSpace(o.Key), strings.TrimSpace(o.Name)
			field := fmt.Sprintf("%s[%d]", list.field, i)
			if o.Key == "" || len(o.Key) > 40 || strings.ContainsAny(o.Key, " \t\n") {
				return aims.FieldError(field+".key", "A key is 1 to 40 characters without spaces: C.3.1, vendor-lock-in.")
			}
			if seen[o.Key] {
				return aims.FieldError(field+".key", "Two entries have the key %q.", o.Key)
			}
			seen[o.Key] = true
			if o.Name == "" {
				return aims.FieldError(field+".name", "Name entry %s.", o.Key)
			}
			if err := aims.CheckText(o.Name, field+".name", 120, false); err != nil {
				return err
			}
		}
	}
	if !levels[c.Acceptable] {
		return aims.FieldError("acceptable", "Name the highest level that may be retained without treatment, by its key.")
	}
	e := c.Escalation
	for _, d := range []struct {
		field string
		days  int
	}{{"escalation.risk_owner_days", e.RiskOwnerDays}, {"escalation.aims_owner_days", e.AIMSOwnerDays}} {
		if d.days < 0 || d.days > 365 {
			return aims.FieldError(d.field, "Give the days after the due date, 1 to 365, or 0 for never.")
		}
	}
	if e.RiskOwnerDays > 0 && e.AIMSOwnerDays > 0 && e.AIMSOwnerDays <= e.RiskOwnerDays {
		return aims.FieldError("escalation.aims_owner_days", "The AIMS owners hear of an overdue action after its risk's owner: give more than %d days.", e.RiskOwnerDays)
	}
	c.Note = strings.TrimSpace(c.Note)
	return aims.CheckText(c.Note, "note", 1000, true)
}

// Above reports whether level key is above the acceptable level: a risk at it needs treatment and a
// formal acceptance of what is left.
func (c *Criteria) Above(key string) bool { return key != "" && c.rank(key) > c.rank(c.Acceptable) }

// RatingChanged reports whether c rates risks differently from o: other scales, axes, levels, matrix or
// acceptable level. Changing only the lists, the escalation or the note asks for no reassessment.
func (c *Criteria) RatingChanged(o *Criteria) bool {
	return !slices.Equal(c.Likelihood, o.Likelihood) || !slices.Equal(c.Consequence, o.Consequence) || !slices.Equal(c.Axes, o.Axes) ||
		!slices.Equal(c.Levels, o.Levels) || c.Acceptable != o.Acceptable ||
		!slices.EqualFunc(c.Matrix, o.Matrix, func(a, b []string) bool { return slices.Equal(a, b) })
}

func validKey(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// rank returns the position of level key among the levels (0 the lowest), or -1.
func (c *Criteria) rank(key string) int {
	return slices.IndexFunc(c.Levels, func(l Level) bool { return l.Key == key })
}

// Level returns the level of key, or nil.
func (c *Criteria) Level(key string) *Level {
	if i := c.rank(key); i >= 0 {
		return &c.Levels[i]
	}
	return nil
}

// Rate returns the level of likelihood l and the consequences cs (by axis key): the worst level over the
// axes rated. EINVALID on field when a rating is out of the scales or an axis is unknown; "" when nothing
// is rated yet (likelihood 0 and no consequence).
func (c *Criteria) Rate(field string, l int, cs map[string]int) (string, error) {
	if l == 0 && len(cs) == 0 {
		return "", nil
	}
	if l < 1 || l > len(c.Likelihood) {
		return "", aims.FieldError(field+".likelihood", "Rate the likelihood from 1 to %d.", len(c.Likelihood))
	}
	if len(cs) == 0 {
		return "", aims.FieldError(field+".consequences", "Rate the consequences on at least one axis.")
	}
	worst := -1
	for axis, v := range cs {
		if !slices.ContainsFunc(c.Axes, func(a Axis) bool { return a.Key == axis }) {
			return "", aims.FieldError(field+".consequences", "Unknown axis %q: use %s.", axis, strings.Join(c.axisKeys(), ", "))
		}
		if v < 1 || v > len(c.Consequence) {
			return "", aims.FieldError(field+".consequences", "Rate the consequence for %s from 1 to %d.", axis, len(c.Consequence))
		}
		if r := c.rank(c.Matrix[l-1][v-1]); r > worst {
			worst = r
		}
	}
	return c.Levels[worst].Key, nil
}

func (c *Criteria) axisKeys() []string {
	out := make([]string, len(c.Axes))
	for i, a := range c.Axes {
		out[i] = a.Key
	}
	return out
}

// Rank returns the position of level key among the levels, 0 the lowest, or -1 for none ("").
func (c *Criteria) Rank(key string) int { return c.rank(key) }

// OptionName returns the name of key among opts, or key itself.
func OptionName(opts []Option, key string) string {
	for _, o := range opts {
		if o.Key == key {
			return o.Name
		}
	}
	return key
}

func hasOption(opts []Option, key string) bool {
	return slices.ContainsFunc(opts, func(o Option) bool { return o.Key == key })
}
