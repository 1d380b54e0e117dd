package risk

// The import of a register (ISO/IEC 42001, 6.1.2: risks often start life in a spreadsheet), all or
// nothing.
//
// The layout, for CSV (a header row, then a risk a row) and JSON (an array of objects whose members are
// the same columns, each a string or a number):
//
//   - Required columns (CSV): title, system, source, owner, likelihood, consequence, status. In JSON a
//     member left out is empty. An empty cell takes the default: system empty is organization-wide, owner
//     empty is none, likelihood and consequence empty is not rated yet, status empty is assessed once
//     rated, else identified.
//   - Optional: description, objective, genai_risk, existing_controls, residual_likelihood,
//     residual_consequence, treatment_option, treatment_plan, review_due (YYYY-MM-DD).
//   - Consequences are judged per axis of the criteria (organization, individuals, groups, society by
//     default): consequence_<axis> and residual_consequence_<axis> rate one axis each. A plain
//     consequence (residual_consequence) rates the criteria's first axis, the organization by default;
//     naming both it and the first axis's own column is a fault. A rating is the worst over its axes.
//     The header may give per-axis columns in place of consequence.
//   - system is an AI system's name (or id); owner the e-mail address of a member whose role may own
//     risks; source and objective a key (C.3.4) or a name (case-insensitive) of the criteria's sources
//     and objectives; likelihood and consequences a step's number (1..n) or its label (case-insensitive).
//   - Cells that a spreadsheet would take for a formula may carry the apostrophe the export guards them
//     with (see csvsafe).
//
// Every row is checked before anything is written, by the rules of Create; the faults found, at most
// maxImportIssues, name the line (CSV, counted in the file, the header being line 1) or the position of
// the object (JSON, from 0) and the column or member.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

const (
	// MaxImportBytes bounds a file of risks.
	MaxImportBytes = 32 << 20
	// MaxImportRows bounds the risks of one import: a register of the benchmark's scale (200,000) comes in
	// a few files, each holding the store's writer for a few seconds at most.
	MaxImportRows = 100_000
	// maxImportIssues bounds the faults one refused import lists.
	maxImportIssues = 20
)

var (
	importRequired = []string{"title", "system", "source", "owner", "likelihood", "consequence", "status"}
	importOptional = []string{"description", "objective", "genai_risk", "existing_controls", "residual_likelihood",
		"residual_consequence", "treatment_option", "treatment_plan", "review_due"}
)

// ImportColumns returns the columns an import takes with criteria c, required first.
func ImportColumns(c *Criteria) []string {
	out := append(slices.Clone(importRequired), importOptional...)
	for _, a := range c.Axes {
		out = append(out, "consequence_"+a.Key)
	}
	for _, a := range c.Axes {
		out = append(out, "residual_consequence_"+a.Key)
	}
	return out
}

// ImportIssue is one fault of an imported file: where (a CSV line and column, or a JSON object's position
// and member) and what.
type ImportIssue struct {
	// Line is the CSV line, from 1 (the header); 0 for JSON.
	Line int
	// Index is the JSON object's position in the array, from 0; -1 for the whole file.
	Index int
	JSON  bool
	// Field is the column or member at fault; "" for the whole row.
	Field   string
	Message string
}

// String says where and what: "line 7, column likelihood: ..." or "item 3, field owner: ...".
func (i ImportIssue) String() string {
	var where string
	switch {
	case !i.JSON:
		where = fmt.Sprintf("line %d", i.Line)
		if i.Field != "" {
			where += ", column " + i.Field
		}
	case i.Index >= 0:
		where = fmt.Sprintf("item %d", i.Index)
		if i.Field != "" {
			where += ", field " + i.Field
		}
	default:
		return i.Message
	}
	return where + ": " + i.Message
}

// MarshalJSON writes a CSV issue as {line, column, message} and a JSON one as {index, field, message};
// a fault of the whole file has no place.
func (i ImportIssue) MarshalJSON() ([]byte, error) {
	type csvIssue struct {
		Line    int    `json:"line"`
		Column  string `json:"column,omitempty"`
		Message string `json:"message"`
	}
	type jsonIssue struct {
		Index   int    `json:"index"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	}
	switch {
	case !i.JSON:
		return json.Marshal(csvIssue{i.Line, i.Field, i.Message})
	case i.Index >= 0:
		return json.Marshal(jsonIssue{i.Index, i.Field, i.Message})
	}
	return json.Marshal(struct {
		Message string `json:"message"`
	}{i.Message})
}

// ImportError is a refused import: EINVALID, with the faults found (at most maxImportIssues; Truncated
// when there were more). Nothing was imported.
type ImportError struct {
	Err       *aims.Error
	Issues    []ImportIssue
	Truncated bool
}

func (e *ImportError) Error() string { return e.Err.Error() }

// Unwrap returns the coded error, whose message quotes the first fault.
func (e *ImportError) Unwrap() error { return e.Err }

func importError(issues []ImportIssue, truncated bool) *ImportError {
	more := ""
	if n := len(issues) - 1; truncated {
		more = fmt.Sprintf(" (and more than %d other faults)", n)
	} else if n == 1 {
		more = " (and 1 other fault)"
	} else if n > 1 {
		more = fmt.Sprintf(" (and %d other faults)", n)
	}
	first := issues[0].String()
	msg := strings.ToUpper(first[:1]) + first[1:] + more + " Nothing was imported."
	return &ImportError{Err: &aims.Error{Code: aims.EINVALID, Message: msg, Field: issues[0].Field}, Issues: issues, Truncated: truncated}
}

// ImportResult is what an import stored: how many risks, their refs (in file order) and the criteria
// version they were rated with.
type ImportResult struct {
	Imported        int    `json:"imported"`
	FirstRef        string `json:"first_ref"`
	LastRef         string `json:"last_ref"`
	CriteriaVersion int64  `json:"criteria_version"`
}

// ImportStore is what an import needs of the store besides Store: the organization's systems and members
// to resolve names against, and a bulk write. store.DB implements it.
type ImportStore interface {
	// RiskImportSystems returns orgID's AI systems' names by id.
	RiskImportSystems(ctx context.Context, orgID string) (map[string]string, error)
	ListMembers(ctx context.Context, orgID string, p aims.Page) ([]*account.Membership, string, error)
	// ImportRisks stores rs (of one organization, rated with c) numbered after its last risk in their
	// order, setting their ids, refs, versions and times, with one activity entry for the whole import
	// (res), and recounts the heat maps.
	ImportRisks(ctx context.Context, rs []*Risk, c *Criteria, res *ImportResult) error
}

// Import reads a file of risks (CSV or JSON, see the layout above) from r and registers every one in
// orgID, rated against the current criteria, or none: a fault is an *ImportError listing what is wrong
// where (EINVALID); a file over MaxImportBytes or MaxImportRows is ETOOLARGE. The file is read before
// the transaction that checks and stores the risks begins.
func (s *Service) Import(ctx context.Context, orgID string, r io.Reader) (*ImportResult, error) {
	st, ok := s.store.(ImportStore)
	if !ok {
		return nil, errors.New("risk: the store cannot import risks")
	}
	t, issues, err := readImport(r)
	if err != nil {
		return nil, err
	}
	if len(issues) > 0 {
		return nil, importError(issues, false)
	}
	if len(t.rows) == 0 {
		return nil, importError([]ImportIssue{{Line: 1, Index: -1, JSON: t.json, Message: "The file holds no risks."}}, false)
	}
	var res *ImportResult
	err = s.store.Atomically(ctx, func(ctx context.Context) error {
		c, err := s.current(ctx, orgID)
		if err != nil {
			return err
		}
		im := &importer{s: s, st: st, orgID: orgID, c: c, t: t, by: aims.ActorFrom(ctx).Name}
		rs, err := im.check(ctx)
		if err != nil {
			return err
		}
		res = &ImportResult{Imported: len(rs), CriteriaVersion: c.Version}
		if err := st.ImportRisks(ctx, rs, c, res); err != nil {
			return err
		}
		res.FirstRef, res.LastRef = rs[0].Ref, rs[len(rs)-1].Ref
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importer checks the rows of one import against the criteria and the organization.
type importer struct {
	s      *Service
	st     ImportStore
	orgID  string
	c      *Criteria
	t      *importTable
	by     string
	issues []ImportIssue
	more   bool
	// systems maps names (and ids) to ids; folded maps lower-case names to ids, "" when two fold alike.
	systems map[string]string
	names   map[string]string
	folded  map[string]string
	members map[string]*account.Membership
}

// fault records an issue of row i (-1: the header) on field; it reports false once enough are found.
func (im *importer) fault(i int, field, format string, args ...any) bool {
	if len(im.issues) == maxImportIssues {
		im.more = true
		return false
	}
	is := ImportIssue{JSON: im.t.json, Field: field, Message: fmt.Sprintf(format, args...), Index: -1}
	switch {
	case i >= 0 && im.t.json:
		is.Index = im.t.pos[i]
	case i >= 0:
		is.Line = im.t.pos[i]
	case !im.t.json:
		is.Line = 1 // the header
	}
	im.issues = append(im.issues, is)
	return true
}

// check turns every row into a risk, or returns the faults found.
func (im *importer) check(ctx context.Context) ([]*Risk, error) {
	if !im.checkHeader() {
		return nil, importError(im.issues, im.more)
	}
	if err := im.load(ctx); err != nil {
		return nil, err
	}
	rs := make([]*Risk, 0, len(im.t.rows))
	for i, row := range im.t.rows {
		if row == nil { // a JSON item that is not an object, reported already
			continue
		}
		r, ok := im.row(ctx, i, row)
		if !ok && im.more {
			break
		}
		if ok {
			rs = append(rs, r)
		}
	}
	if len(im.issues) > 0 {
		return nil, importError(im.issues, im.more)
	}
	return rs, nil
}

// checkHeader checks the columns: each known (by the criteria's axes), once, the required ones there.
func (im *importer) checkHeader() bool {
	known := ImportColumns(im.c)
	seen := map[string]bool{}
	for c, h := range im.t.header {
		at := -1 // a CSV column is the header's, line 1; a JSON member is of the first object that has it
		if im.t.json {
			at = im.t.first[c]
		}
		switch {
		case h == "":
			im.fault(at, "", "Every column needs a name.")
		case !slices.Contains(known, h):
			im.fault(at, h, "Unknown column %q; the columns are %s.", h, strings.Join(known, ", "))
		case seen[h]:
			im.fault(at, h, "The column %q appears more than once.", h)
		}
		seen[h] = true
	}
	first := im.c.Axes[0].Key
	for _, p := range []string{"consequence", "residual_consequence"} {
		if seen[p] && seen[p+"_"+first] {
			im.fault(-1, p, "%s rates the first axis, %s: give either %s or %s_%s, not both.", p, first, p, p, first)
		}
	}
	if !im.t.json {
		perAxis := slices.ContainsFunc(im.c.Axes, func(a Axis) bool { return seen["consequence_"+a.Key] })
		for _, name := range importRequired {
			if !seen[name] && !(name == "consequence" && perAxis) {
				im.fault(-1, name, "The first row must name the column %q; the required columns are %s.", name, strings.Join(importRequired, ", "))
			}
		}
	}
	return len(im.issues) == 0
}

// load reads the organization's systems and members.
func (im *importer) load(ctx context.Context) error {
	ids, err := im.st.RiskImportSystems(ctx, im.orgID)
	if err != nil {
		return err
	}
	im.systems, im.names, im.folded = map[string]string{}, ids, map[string]string{}
	for id, name := range ids {
		im.systems[name], im.systems[id] = id, id
		k := strings.ToLower(name)
		if _, dup := im.folded[k]; dup {
			im.folded[k] = ""
		} else {
			im.folded[k] = id
		}
	}
	im.members = map[string]*account.Membership{}
	for p := (aims.Page{Limit: aims.MaxPageLimit}); ; {
		ms, next, err := im.st.ListMembers(ctx, im.orgID, p)
		if err != nil {
			return err
		}
		for _, m := range ms {
			im.members[strings.ToLower(m.UserEmail)] = m
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// row checks row i: its cells read by the layout, then the fields by the rules of Create.
func (im *importer) row(ctx context.Context, i int, row []string) (*Risk, bool) {
	cell := func(name string) string {
		if c := im.t.col(name); c >= 0 {
			return strings.TrimSpace(row[c])
		}
		return ""
	}
	before := len(im.issues)
	f := Fields{Title: cell("title"), Description: cell("description"), GenAIRisk: cell("genai_risk"),
		ExistingControls: cell("existing_controls"), TreatmentOption: cell("treatment_option"), TreatmentPlan: cell("treatment_plan"),
		Status: cell("status"), ReviewDue: cell("review_due")}
	f.Source = im.option(i, "source", "risk source", im.c.Sources, cell("source"))
	f.Objective = im.option(i, "objective", "objective", im.c.Objectives, cell("objective"))
	f.Inherent = im.rating(i, "", cell)
	f.Residual = im.rating(i, "residual_", cell)
	var systemID, owner string
	if name := cell("system"); name != "" {
		if systemID = im.system(name); systemID == "" {
			im.fault(i, "system", "No AI system named %q in this organization.", name)
		}
	}
	var m *account.Membership
	if email := strings.ToLower(cell("owner")); email != "" {
		switch m = im.members[email]; {
		case m == nil:
			im.fault(i, "owner", "%s is not a member of this organization.", email)
		case !aims.MayOwn(m.Role, aims.ResRisk):
			im.fault(i, "owner", "%s", aims.ErrorMessage(aims.OwnerError("owner", m.Role, aims.ResRisk)))
		default:
			owner = m.UserID
		}
	}
	if len(im.issues) > before {
		return nil, false
	}
	r := &Risk{OrgID: im.orgID, CreatedBy: im.by}
	if err := im.s.apply(ctx, im.orgID, im.c, f, r); err != nil {
		if aims.ErrorCode(err) != aims.EINVALID {
			im.fault(i, "", "%s", aims.ErrorMessage(err))
			return nil, false
		}
		im.fault(i, im.column(aims.ErrorField(err)), "%s", aims.ErrorMessage(err))
		return nil, false
	}
	r.SystemID = systemID
	if systemID != "" {
		r.SystemName = im.names[systemID]
	}
	if m != nil {
		r.OwnerID, r.OwnerName = owner, m.UserName
	}
	return r, true
}

// column is the import's column for a field of the service's rules.
func (im *importer) column(field string) string {
	prefix, rest, ok := strings.Cut(field, ".")
	if !ok {
		return field
	}
	col := ""
	if prefix == "residual" {
		col = "residual_"
	}
	if rest == "likelihood" {
		return col + "likelihood"
	}
	if im.t.col(col+"consequence") >= 0 {
		return col + "consequence"
	}
	for _, a := range im.c.Axes {
		if im.t.col(col+"consequence_"+a.Key) >= 0 {
			return col + "consequence_" + a.Key
		}
	}
	return col + "consequence"
}

// system returns the id of the system name names: by its exact name, its id, or its name in any case
// when only one system has it; "" when none.
func (im *importer) system(name string) string {
	if id, ok := im.systems[name]; ok {
		return id
	}
	return im.folded[strings.ToLower(name)]
}

// option returns the key of the option v names, by key or by name in any case; v itself (left to the
// rules) when empty; "" with a fault when none.
func (im *importer) option(i int, field, what string, opts []Option, v string) string {
	if v == "" {
		return ""
	}
	for _, o := range opts {
		if o.Key == v {
			return v
		}
	}
	for _, o := range opts {
		if strings.EqualFold(o.Key, v) || strings.EqualFold(o.Name, v) {
			return o.Key
		}
	}
	im.fault(i, field, "Unknown %s %q: give one of the criteria's keys (%s) or names.", what, v, optionKeys(opts))
	return ""
}

// rating reads a rating's cells (prefix "" for the inherent one, "residual_" for the residual one).
func (im *importer) rating(i int, prefix string, cell func(string) string) RatingInput {
	in := RatingInput{Likelihood: im.step(i, prefix+"likelihood", im.c.Likelihood, cell(prefix+"likelihood"))}
	set := func(axis, col string) {
		if v := im.step(i, col, im.c.Consequence, cell(col)); v != 0 {
			if in.Consequences == nil {
				in.Consequences = map[string]int{}
			}
			in.Consequences[axis] = v
		}
	}
	set(im.c.Axes[0].Key, prefix+"consequence")
	for _, a := range im.c.Axes {
		set(a.Key, prefix+"consequence_"+a.Key)
	}
	return in
}

// step returns the step of scale v names, by number (1..n) or label in any case; 0 when v is empty or
// names none (with a fault).
func (im *importer) step(i int, col string, scale []Step, v string) int {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n >= 1 && n <= len(scale) {
			return n
		}
		im.fault(i, col, "%d is not a step of the scale: give 1 to %d or a label (%s).", n, len(scale), stepLabels(scale))
		return 0
	}
	for k, s := range scale {
		if strings.EqualFold(s.Label, v) {
			return k + 1
		}
	}
	im.fault(i, col, "%q is not a step of the scale: give 1 to %d or a label (%s).", v, len(scale), stepLabels(scale))
	return 0
}

func stepLabels(scale []Step) string {
	out := make([]string, len(scale))
	for i, s := range scale {
		out[i] = s.Label
	}
	return strings.Join(out, ", ")
}
