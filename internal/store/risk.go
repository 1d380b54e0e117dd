package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/risk"
)

var _ risk.Store = (*DB)(nil)

// Criteria returns orgID's risk criteria of version (0: the newest); ENOTFOUND when there is none.
func (db *DB) Criteria(ctx context.Context, orgID string, version int64) (*risk.Criteria, error) {
	q := `SELECT version, body, created_by, created_at FROM risk_criteria WHERE org_id = ? `
	args := []any{orgID}
	if version > 0 {
		q += `AND version = ?`
		args = append(args, version)
	} else {
		q += `ORDER BY version DESC LIMIT 1`
	}
	c, err := scanCriteria(db.reader(ctx).row(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such version of the risk criteria.")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the risk criteria: %w", err)
	}
	c.OrgID = orgID
	return c, nil
}

func scanCriteria(s scanner) (*risk.Criteria, error) {
	var c risk.Criteria
	var body, by string
	var v int64
	var at time.Time
	if err := s.Scan(&v, &body, &by, &at); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return nil, err
	}
	// The columns are the record of the version; the body holds the criteria themselves.
	c.Version, c.CreatedBy, c.CreatedAt = v, by, at.UTC()
	return &c, nil
}

// CriteriaVersions returns orgID's saved risk criteria, newest first.
func (db *DB) CriteriaVersions(ctx context.Context, orgID string) ([]*risk.Criteria, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT version, body, created_by, created_at FROM risk_criteria WHERE org_id = ?
		ORDER BY version DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the risk criteria: %w", err)
	}
	return collect(rows, scanCriteria)
}

// SaveCriteria stores c as orgID's next version, with its activity entry; ECONFLICT when another was saved
// at the same time.
func (db *DB) SaveCriteria(ctx context.Context, c *risk.Criteria) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM risk_criteria WHERE org_id = ?`, c.OrgID).Scan(&c.Version); err != nil {
			return fmt.Errorf("cannot number the risk criteria: %w", err)
		}
		c.CreatedAt = db.now().UTC()
		body, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO risk_criteria (org_id, version, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			c.OrgID, c.Version, string(body), c.CreatedBy, c.CreatedAt); err != nil {
			if aims.ErrorCode(err) == aims.ECONFLICT {
				return aims.Errorf(aims.ECONFLICT, "Someone saved the risk criteria at the same time; reload them and change them again.")
			}
			return fmt.Errorf("cannot store the risk criteria: %w", err)
		}
		return tx.record(ctx, c.OrgID, activity.ActionCreate, "risk_criteria", strconv.FormatInt(c.Version, 10), nil, c)
	})
}

const riskSelect = `SELECT r.id, r.org_id, r.seq, r.title, r.description, r.system_id, COALESCE(s.name, ''), r.source, r.objective,
	r.genai_risk, r.owner_id, COALESCE(u.name, ''), r.inherent_likelihood, r.inherent_consequences, r.inherent_level, r.existing_controls,
	r.residual_likelihood, r.residual_consequences, r.residual_level, r.treatment_option, r.treatment_plan, r.status, r.review_due, r.criteria_version, r.version,
	r.created_by, r.created_at, r.updated_at, r.accepted_id, r.treat_controls, r.level_rank, r.review_key
	FROM risks r LEFT JOIN systems s ON s.id = r.system_id AND s.org_id = r.org_id LEFT JOIN users u ON u.id = r.owner_id`

// riskRow is a risk as read, with the keys of its orders.
type riskRow struct {
	*risk.Risk
	rank      int
	reviewKey string
}

func scanRiskRow(s scanner) (riskRow, error) {
	var r risk.Risk
	var ic, rc string
	var row riskRow
	if err := s.Scan(&r.ID, &r.OrgID, &r.Seq, &r.Title, &r.Description, &r.SystemID, &r.SystemName, &r.Source, &r.Objective,
		&r.GenAIRisk, &r.OwnerID, &r.OwnerName, &r.Inherent.Likelihood, &ic, &r.Inherent.Level, &r.ExistingControls,
		&r.Residual.Likelihood, &rc, &r.Residual.Level, &r.TreatmentOption, &r.TreatmentPlan, &r.Status, &r.ReviewDue, &r.CriteriaVersion, &r.Version,
		&r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &r.AcceptedID, &r.Controls, &row.rank, &row.reviewKey); err != nil {
		return row, err
	}
	for _, x := range []struct {
		text string
		into *map[string]int
	}{{ic, &r.Inherent.Consequences}, {rc, &r.Residual.Consequences}} {
		if err := json.Unmarshal([]byte(x.text), x.into); err != nil {
			return row, fmt.Errorf("risk %s: %w", r.ID, err)
		}
	}
	r.Ref = "R-" + strconv.FormatInt(r.Seq, 10)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	row.Risk = &r
	return row, nil
}

func scanRisk(s scanner) (*risk.Risk, error) {
	row, err := scanRiskRow(s)
	return row.Risk, err
}

// riskCols are the values of the columns a risk's fields set, rated with c, in the order of the INSERT
// and the UPDATE below.
func riskCols(r *risk.Risk, c *risk.Criteria) []any {
	worst := func(cs map[string]int) int {
		w := 0
		for _, v := range cs {
			w = max(w, v)
		}
		return w
	}
	consequences := func(cs map[string]int) string {
		if cs == nil {
			return "{}"
		}
		b, _ := json.Marshal(cs) // a map of strings to ints always marshals
		return string(b)
	}
	reviewKey := r.ReviewDue
	if reviewKey == "" {
		reviewKey = "9999-12-31"
	}
	return []any{r.Title, r.Description, r.SystemID, r.Source, r.Objective, r.GenAIRisk, r.OwnerID,
		r.Inherent.Likelihood, consequences(r.Inherent.Consequences), worst(r.Inherent.Consequences), r.Inherent.Level, r.ExistingControls,
		r.Residual.Likelihood, consequences(r.Residual.Consequences), worst(r.Residual.Consequences), r.Residual.Level,
		r.TreatmentOption, r.TreatmentPlan, r.Level(), c.Rank(r.Level()), r.Status, r.ReviewDue, reviewKey, r.CriteriaVersion}
}

// CreateRisk stores r, numbered the organization's next risk, with its activity entry.
func (db *DB) CreateRisk(ctx context.Context, r *risk.Risk, c *risk.Criteria) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM risks WHERE org_id = ?`, r.OrgID).Scan(&r.Seq); err != nil {
			return fmt.Errorf("cannot number the risk: %w", err)
		}
		r.ID, r.Version, r.Ref = aims.NewID(), 1, "R-"+strconv.FormatInt(r.Seq, 10)
		r.CreatedAt = db.now().UTC()
		r.UpdatedAt = r.CreatedAt
		args := append([]any{r.ID, r.OrgID, r.Seq}, riskCols(r, c)...)
		args = append(args, r.CreatedBy, r.CreatedAt, r.UpdatedAt)
		if err := tx.countCells(ctx, r, 1); err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO risks (id, org_id, seq, title, description, system_id, source, objective, genai_risk,
			owner_id, inherent_likelihood, inherent_consequences, inherent_worst, inherent_level, existing_controls, residual_likelihood,
			residual_consequences, residual_worst, residual_level, treatment_option, treatment_plan, level, level_rank, status, review_due,
			review_key, criteria_version, version, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`, args...); err != nil {
			if aims.ErrorCode(err) == aims.ECONFLICT {
				return aims.Errorf(aims.ECONFLICT, "Another risk was registered at the same time; save again.")
			}
			return fmt.Errorf("cannot store the risk: %w", err)
		}
		return tx.record(ctx, r.OrgID, activity.ActionCreate, "risk", r.ID, nil, r)
	})
}

// UpdateRisk stores r if its version is ifVersion, with its activity entry (the risk before and after).
func (db *DB) UpdateRisk(ctx context.Context, r *risk.Risk, c *risk.Criteria, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanRisk(tx.q().row(ctx, riskSelect+` WHERE r.org_id = ? AND r.id = ?`, r.OrgID, r.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return aims.Errorf(aims.ENOTFOUND, "No such risk.")
		}
		if err != nil {
			return fmt.Errorf("cannot read the risk: %w", err)
		}
		now := db.now().UTC()
		args := append(riskCols(r, c), now, r.OrgID, r.ID, ifVersion)
		res, err := tx.q().exec(ctx, `UPDATE risks SET title = ?, description = ?, system_id = ?, source = ?, objective = ?,
			genai_risk = ?, owner_id = ?, inherent_likelihood = ?, inherent_consequences = ?, inherent_worst = ?, inherent_level = ?,
			existing_controls = ?, residual_likelihood = ?, residual_consequences = ?, residual_worst = ?, residual_level = ?,
			treatment_option = ?, treatment_plan = ?, level = ?, level_rank = ?, status = ?, review_due = ?, review_key = ?, criteria_version = ?, version = version + 1,
			updated_at = ? WHERE org_id = ? AND id = ? AND version = ?`, args...)
		if err != nil {
			return fmt.Errorf("cannot update the risk: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Stale("the risk", before.Version, ifVersion)
		}
		if err := tx.countCells(ctx, before, -1); err != nil {
			return err
		}
		if err := tx.countCells(ctx, r, 1); err != nil {
			return err
		}
		r.Version, r.UpdatedAt = ifVersion+1, now
		return tx.record(ctx, r.OrgID, activity.ActionUpdate, "risk", r.ID, before, r)
	})
}

// DeleteRisk deletes orgID's risk id and its tasks and comments, with its activity entry.
func (db *DB) DeleteRisk(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanRisk(tx.q().row(ctx, riskSelect+` WHERE r.org_id = ? AND r.id = ?`, orgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return aims.Errorf(aims.ENOTFOUND, "No such risk.")
		}
		if err != nil {
			return fmt.Errorf("cannot read the risk: %w", err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM risks WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete the risk: %w", err)
		}
		if err := tx.countCells(ctx, before, -1); err != nil {
			return err
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "risk", id, before, nil)
	})
}

// RiskByID returns orgID's risk id, or ENOTFOUND.
func (db *DB) RiskByID(ctx context.Context, orgID, id string) (*risk.Risk, error) {
	r, err := scanRisk(db.reader(ctx).row(ctx, riskSelect+` WHERE r.org_id = ? AND r.id = ?`, orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such risk.")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the risk: %w", err)
	}
	return r, nil
}

// riskConds are the conditions of the risks of orgID that f selects.
func riskConds(orgID string, f risk.Filter) ([]string, []any) {
	conds, args := []string{"r.org_id = ?"}, []any{orgID}
	eq := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	eq("r.system_id", f.SystemID)
	if f.OrgWide {
		conds = append(conds, "r.system_id = ''")
	}
	eq("r.level", f.Level)
	eq("r.owner_id", f.OwnerID)
	eq("r.source", f.Source)
	eq("r.status", f.Status)
	if f.Open || f.Overdue {
		conds = append(conds, "r.status <> 'closed'")
	}
	if f.Overdue {
		conds = append(conds, "r.review_key < ?")
		args = append(args, f.Today)
	}
	if f.Control != "" {
		conds = append(conds, `r.id IN (SELECT to_id FROM links WHERE org_id = ? AND from_type = 'control' AND from_id = ?
			AND relationship = 'treats' AND to_type = 'risk')`)
		args = append(args, orgID, f.Control)
	}
	switch f.Gap {
	case risk.GapUnaccepted:
		// The terms of the partial index risks_unaccepted, as written there.
		conds = append(conds, "r.level_rank > ?", "r.status <> 'closed'", "(r.treatment_option = '' OR r.accepted_id = '')")
		args = append(args, f.GapRank)
	case risk.GapNoControl:
		conds = append(conds, "r.status <> 'closed'", "r.treatment_option IN ('modify', 'share')", "r.treat_controls = 0")
	}
	if f.Query != "" {
		conds = append(conds, `(lower(r.title) LIKE ? ESCAPE '\' OR lower(r.description) LIKE ? ESCAPE '\')`)
		like := likePattern(f.Query)
		args = append(args, like, like)
	}
	return conds, args
}

// ListRisks returns a page of orgID's risks that f selects, in f.Sort's order: level (highest first),
// ref, or review (soonest first), each then by ref.
func (db *DB) ListRisks(ctx context.Context, orgID string, f risk.Filter, p aims.Page) ([]*risk.Risk, string, error) {
	limit := pageLimit(p.Limit)
	conds, args := riskConds(orgID, f)
	var order string
	var key func(riskRow) string
	switch f.Sort {
	case "ref":
		order, key = "r.seq", func(r riskRow) string { return "|" + strconv.FormatInt(r.Seq, 10) }
	case "review":
		order, key = "r.review_key, r.seq", func(r riskRow) string { return r.reviewKey + "|" + strconv.FormatInt(r.Seq, 10) }
	default:
		order, key = "r.level_rank DESC, r.seq", func(r riskRow) string { return strconv.Itoa(r.rank) + "|" + strconv.FormatInt(r.Seq, 10) }
	}
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		k, s, ok := strings.Cut(c, "|")
		seq, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
		switch f.Sort {
		case "ref":
			conds = append(conds, "r.seq > ?")
			args = append(args, seq)
		case "review":
			conds = append(conds, "(r.review_key > ? OR (r.review_key = ? AND r.seq > ?))")
			args = append(args, k, k, seq)
		default:
			rank, err := strconv.Atoi(k)
			if err != nil {
				return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
			}
			conds = append(conds, "(r.level_rank < ? OR (r.level_rank = ? AND r.seq > ?))")
			args = append(args, rank, rank, seq)
		}
	}
	rows, err := db.reader(ctx).query(ctx, riskSelect+` WHERE `+strings.Join(conds, " AND ")+` ORDER BY `+order+` LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list risks: %w", err)
	}
	rs, err := collect(rows, scanRiskRow)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read risks: %w", err)
	}
	rs, next := pageOf(rs, limit, key)
	out := make([]*risk.Risk, len(rs))
	for i, r := range rs {
		out[i] = r.Risk
	}
	return out, next, nil
}

// RisksBefore returns orgID's open risks rated with criteria older than version, oldest ref first.
func (db *DB) RisksBefore(ctx context.Context, orgID string, version int64, limit int) ([]*risk.Risk, error) {
	rows, err := db.reader(ctx).query(ctx, riskSelect+` WHERE r.org_id = ? AND r.status <> 'closed' AND r.criteria_version < ?
		ORDER BY r.seq LIMIT ?`, orgID, version, limit)
	if err != nil {
		return nil, fmt.Errorf("cannot list the risks to reassess: %w", err)
	}
	return collect(rows, scanRisk)
}

// RiskCells counts the risks f selects by likelihood and worst consequence of one of their ratings. The
// open (or closed) risks of the organization, of one system, source or level are counted from risk_cells;
// others from the cells indexes of the risks.
func (db *DB) RiskCells(ctx context.Context, orgID string, f risk.Filter, residual bool) ([]risk.Cell, error) {
	rating := "i"
	if residual {
		rating = "r"
	}
	if f.OwnerID == "" && !f.Overdue && f.Query == "" && f.Control == "" && f.Gap == "" &&
		(f.Open && f.Status == "" || f.Status == risk.StatusClosed) {
		q := `SELECT likelihood, worst, SUM(n) FROM risk_cells WHERE org_id = ? AND rating = ? AND closed = ?`
		args := []any{orgID, rating, boolInt(f.Status == risk.StatusClosed)}
		switch {
		case f.SystemID != "":
			q += ` AND system_id = ?`
			args = append(args, f.SystemID)
		case f.OrgWide:
			q += ` AND system_id = ''`
		}
		for col, v := range map[string]string{"source": f.Source, "level": f.Level} {
			if v != "" {
				q += ` AND ` + col + ` = ?`
				args = append(args, v)
			}
		}
		rows, err := db.reader(ctx).query(ctx, q+` GROUP BY likelihood, worst HAVING SUM(n) > 0`, args...)
		if err != nil {
			return nil, fmt.Errorf("cannot count risks: %w", err)
		}
		return collect(rows, scanCell)
	}
	l, w := "r.inherent_likelihood", "r.inherent_worst"
	if residual {
		l, w = "r.residual_likelihood", "r.residual_worst"
	}
	conds, args := riskConds(orgID, f)
	rows, err := db.reader(ctx).query(ctx, `SELECT `+l+`, `+w+`, COUNT(*) FROM risks r WHERE `+strings.Join(conds, " AND ")+
		` AND `+l+` > 0 GROUP BY `+l+`, `+w, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot count risks: %w", err)
	}
	return collect(rows, scanCell)
}

func scanCell(s scanner) (risk.Cell, error) {
	var c risk.Cell
	err := s.Scan(&c.Likelihood, &c.Consequence, &c.Count)
	return c, err
}

// countCells adds d (1 or -1) to the heat map cells of r's ratings (those rated) in risk_cells.
func (tx *Tx) countCells(ctx context.Context, r *risk.Risk, d int) error {
	for _, x := range []struct {
		rating string
		r      risk.Rating
	}{{"i", r.Inherent}, {"r", r.Residual}} {
		if x.r.Likelihood == 0 {
			continue
		}
		w := 0
		for _, v := range x.r.Consequences {
			w = max(w, v)
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO risk_cells (org_id, system_id, source, level, rating, likelihood, worst, closed, n)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, rating, closed, system_id, source, level, likelihood, worst)
			DO UPDATE SET n = risk_cells.n + ?`,
			r.OrgID, r.SystemID, r.Source, r.Level(), x.rating, x.r.Likelihood, w, boolInt(r.Status == risk.StatusClosed), d, d); err != nil {
			return fmt.Errorf("cannot count the risk in its heat map: %w", err)
		}
	}
	return nil
}

// RebuildRiskCells counts orgID's risks into risk_cells afresh, for risks written other than by the
// store (a bulk load).
func (db *DB) RebuildRiskCells(ctx context.Context, orgID string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.q().exec(ctx, `DELETE FROM risk_cells WHERE org_id = ?`, orgID); err != nil {
			return err
		}
		for _, x := range []struct{ rating, l, w string }{{"i", "inherent_likelihood", "inherent_worst"}, {"r", "residual_likelihood", "residual_worst"}} {
			if _, err := tx.q().exec(ctx, `INSERT INTO risk_cells (org_id, system_id, source, level, rating, likelihood, worst, closed, n)
				SELECT org_id, system_id, source, level, ?, `+x.l+`, `+x.w+`, CASE WHEN status = 'closed' THEN 1 ELSE 0 END, COUNT(*)
				FROM risks WHERE org_id = ? AND `+x.l+` > 0
				GROUP BY org_id, system_id, source, level, `+x.l+`, `+x.w+`, CASE WHEN status = 'closed' THEN 1 ELSE 0 END`,
				x.rating, orgID); err != nil {
				return fmt.Errorf("cannot count the risks: %w", err)
			}
		}
		return nil
	})
}

// SystemName returns the name of orgID's system id; ENOTFOUND when there is none.
func (db *DB) SystemName(ctx context.Context, orgID, id string) (string, error) {
	var name string
	err := db.reader(ctx).row(ctx, `SELECT name FROM systems WHERE org_id = ? AND id = ?`, orgID, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", aims.Errorf(aims.ENOTFOUND, "No such AI system.")
	}
	return name, err
}

// RiskRefsOfSystems returns the refs of orgID's risks of the systems ids (at most limit).
func (db *DB) RiskRefsOfSystems(ctx context.Context, orgID string, ids []string, limit int) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT seq FROM risks WHERE org_id = ? AND system_id IN (?`+strings.Repeat(", ?", len(ids)-1)+
		`) ORDER BY seq LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("cannot read the risks of the systems: %w", err)
	}
	seqs, err := collect(rows, scanValue[int64])
	if err != nil {
		return nil, err
	}
	out := make([]string, len(seqs))
	for i, s := range seqs {
		out[i] = "R-" + strconv.FormatInt(s, 10)
	}
	return out, nil
}

// likePattern is a LIKE pattern that finds q, lower-cased, anywhere: its wildcards escaped with \.
func likePattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
}

// boolInt is 1 for true, 0 for false: a flag column's value.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// GapRisks returns up to limit of orgID's risks of f's gap, highest level first, and how many there are,
// counting to max: both read the gap's partial index.
func (db *DB) GapRisks(ctx context.Context, orgID string, f risk.Filter, limit, max int) ([]*risk.Risk, int, error) {
	conds, args := riskConds(orgID, f)
	where := strings.Join(conds, " AND ")
	q := db.reader(ctx)
	var n int
	if err := q.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM risks r WHERE `+where+` LIMIT ?) x`, append(args, max)...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("cannot count the risks: %w", err)
	}
	rows, err := q.query(ctx, riskSelect+` WHERE `+where+` ORDER BY r.level_rank DESC, r.seq LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot list the risks: %w", err)
	}
	rs, err := collect(rows, scanRisk)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read the risks: %w", err)
	}
	return rs, n, nil
}
