package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
	"github.com/aimsproject/aims/internal/record"
)

var _ evaluation.Store = (*DB)(nil)

const evalColumns = `r.id, r.org_id, r.system_id, COALESCE(s.name, ''), r.tool, r.tool_version, r.model, r.name, r.status, r.started_at,
	r.red_team, r.tests_total, r.tests_passed, r.tests_failed, r.tests_errors, r.guardrails, r.cases_kept, r.cases_more, r.notes,
	r.model_mismatch, r.verdict, r.results, r.filename, r.sha256, r.size, r.imported_by, r.created_at`

const evalFrom = ` FROM evaluation_runs r LEFT JOIN systems s ON s.id = r.system_id AND s.org_id = r.org_id`

func scanEvaluation(s scanner) (*evaluation.Run, error) {
	var r evaluation.Run
	var started sql.NullTime
	var red, mismatch int
	var notes, results string
	if err := s.Scan(&r.ID, &r.OrgID, &r.SystemID, &r.SystemName, &r.Tool, &r.ToolVersion, &r.Model, &r.Name, &r.Status, &started,
		&red, &r.Counts.Total, &r.Counts.Passed, &r.Counts.Failed, &r.Counts.Errors, &r.Guardrails, &r.CasesKept, &r.CasesMore, &notes,
		&mismatch, &r.Verdict, &results, &r.Filename, &r.SHA256, &r.Size, &r.ImportedBy, &r.CreatedAt); err != nil {
		return nil, err
	}
	if started.Valid {
		t := started.Time.UTC()
		r.StartedAt = &t
	}
	r.RedTeam, r.ModelMismatch = red == 1, mismatch == 1
	if err := json.Unmarshal([]byte(notes), &r.Notes); err != nil {
		return nil, fmt.Errorf("evaluation run %s notes: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(results), &r.Results); err != nil {
		return nil, fmt.Errorf("evaluation run %s results: %w", r.ID, err)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return &r, nil
}

// numCols returns a number as its two columns: the value (NULL when not finite) and its text.
func numCols(n ingest.Num) (any, string) {
	if n.Finite() {
		return n.V, ""
	}
	return nil, n.String()
}

func numOfCols(v sql.NullFloat64, text string) ingest.Num {
	if v.Valid && text == "" {
		return ingest.Float(v.Float64)
	}
	if text == "" {
		return ingest.Num{V: math.NaN(), Text: "NaN"}
	}
	return ingest.TextNum(text)
}

// evalEntry is a run as the activity trail records it: without its metrics, which can be many.
type evalEntry struct {
	*evaluation.Run
	Metrics int `json:"metrics"`
}

// CreateEvaluation stores r with its metrics, failing cases and the links from it to refs, with one
// activity entry for the whole import (the links are part of it, not entries of their own).
func (db *DB) CreateEvaluation(ctx context.Context, r *evaluation.Run, cases []ingest.Case, refs []record.Ref) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		r.ID, r.CreatedAt = aims.NewID(), db.now().UTC()
		notes, err := json.Marshal(r.Notes)
		if err != nil {
			return err
		}
		results, err := json.Marshal(r.Results)
		if err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO evaluation_runs (id, org_id, system_id, tool, tool_version, model, name, status,
			started_at, red_team, tests_total, tests_passed, tests_failed, tests_errors, guardrails, cases_kept, cases_more, notes,
			model_mismatch, verdict, results, filename, sha256, size, imported_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.OrgID, r.SystemID, r.Tool, r.ToolVersion, r.Model, r.Name, r.Status, r.StartedAt, boolInt(r.RedTeam),
			r.Counts.Total, r.Counts.Passed, r.Counts.Failed, r.Counts.Errors, r.Guardrails, r.CasesKept, r.CasesMore, string(notes),
			boolInt(r.ModelMismatch), r.Verdict, string(results), r.Filename, r.SHA256, r.Size, r.ImportedBy, r.CreatedAt); err != nil {
			return fmt.Errorf("cannot store the evaluation run: %w", err)
		}
		for i, m := range r.Metrics {
			v, vt := numCols(m.Value)
			var se any
			var st string
			if m.Stderr != nil {
				se, st = numCols(*m.Stderr)
			}
			if _, err := tx.q().exec(ctx, `INSERT INTO evaluation_metrics (run_id, org_id, seq, task, name, value, value_text, has_stderr,
				stderr, stderr_text, passed, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.OrgID, i, m.Task, m.Name, v, vt, boolInt(m.Stderr != nil), se, st, m.Passed, m.Total); err != nil {
				return fmt.Errorf("cannot store the evaluation run's metrics: %w", err)
			}
		}
		for i, c := range cases {
			if _, err := tx.q().exec(ctx, `INSERT INTO evaluation_cases (run_id, org_id, seq, task, plugin, strategy, prompt, output,
				reason, is_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.OrgID, i, c.Task, c.Plugin, c.Strategy, c.Prompt, c.Output, c.Reason, boolInt(c.Error)); err != nil {
				return fmt.Errorf("cannot store the evaluation run's failing cases: %w", err)
			}
		}
		a := aims.ActorFrom(ctx)
		for _, to := range refs {
			if _, err := tx.q().exec(ctx, `INSERT INTO links (`+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				aims.NewID(), r.OrgID, record.RelEvidences, record.TypeEvaluation, r.ID, to.Type, to.ID, "", a.Name, a.ID, r.CreatedAt); err != nil {
				return fmt.Errorf("cannot link the evaluation run: %w", err)
			}
			if to.Type == record.TypeControl {
				if err := tx.count(ctx, r.OrgID, to.ID, runCountOf(r.Verdict, r.StartedAt, r.CreatedAt), 1); err != nil {
					return err
				}
			}
		}
		return tx.record(ctx, r.OrgID, activity.ActionCreate, "evaluation", r.ID, nil, evalEntry{Run: r, Metrics: len(r.Metrics)})
	})
}

// EvaluationByID returns orgID's run id with its metrics.
func (db *DB) EvaluationByID(ctx context.Context, orgID, id string) (*evaluation.Run, error) {
	r, err := scanEvaluation(db.reader(ctx).row(ctx, `SELECT `+evalColumns+evalFrom+` WHERE r.org_id = ? AND r.id = ?`, orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "No such evaluation run.")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the evaluation run: %w", err)
	}
	if err := db.evalMetrics(ctx, orgID, []*evaluation.Run{r}); err != nil {
		return nil, err
	}
	return r, nil
}

// evalMetrics sets the metrics of runs.
func (db *DB) evalMetrics(ctx context.Context, orgID string, runs []*evaluation.Run) error {
	byID := make(map[string]*evaluation.Run, len(runs))
	ids := make([]any, 0, len(runs))
	for _, r := range runs {
		byID[r.ID] = r
		r.Metrics = []ingest.Metric{}
		ids = append(ids, r.ID)
	}
	for len(ids) > 0 {
		n := min(len(ids), 200)
		rows, err := db.reader(ctx).query(ctx, `SELECT run_id, task, name, value, value_text, has_stderr, stderr, stderr_text, passed, total
			FROM evaluation_metrics WHERE org_id = ? AND run_id IN (?`+strings.Repeat(", ?", n-1)+`) ORDER BY run_id, seq`,
			append([]any{orgID}, ids[:n]...)...)
		if err != nil {
			return fmt.Errorf("cannot read the evaluation metrics: %w", err)
		}
		for rows.Next() {
			var runID, vt, st string
			var m ingest.Metric
			var v, se sql.NullFloat64
			var hasSE int
			if err := rows.Scan(&runID, &m.Task, &m.Name, &v, &vt, &hasSE, &se, &st, &m.Passed, &m.Total); err != nil {
				rows.Close()
				return fmt.Errorf("cannot read the evaluation metrics: %w", err)
			}
			m.Value = numOfCols(v, vt)
			if hasSE == 1 {
				s := numOfCols(se, st)
				m.Stderr = &s
			}
			byID[runID].Metrics = append(byID[runID].Metrics, m)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// EvaluationCases returns a page of the failing cases of orgID's run id, in file order.
func (db *DB) EvaluationCases(ctx context.Context, orgID, id string, p aims.Page) ([]ingest.Case, string, error) {
	limit := pageLimit(p.Limit)
	after := -1
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		if _, err := fmt.Sscanf(c, "%d", &after); err != nil {
			return nil, "", aims.FieldError("cursor", "The cursor is not valid.")
		}
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT seq, task, plugin, strategy, prompt, output, reason, is_error FROM evaluation_cases
		WHERE org_id = ? AND run_id = ? AND seq > ? ORDER BY seq LIMIT ?`, orgID, id, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the failing cases: %w", err)
	}
	type seqCase struct {
		seq int
		c   ingest.Case
	}
	cs, err := collect(rows, func(s scanner) (seqCase, error) {
		var k seqCase
		var isErr int
		err := s.Scan(&k.seq, &k.c.Task, &k.c.Plugin, &k.c.Strategy, &k.c.Prompt, &k.c.Output, &k.c.Reason, &isErr)
		k.c.Error = isErr == 1
		return k, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the failing cases: %w", err)
	}
	cs, next := pageOf(cs, limit, func(k seqCase) string { return fmt.Sprint(k.seq) })
	out := make([]ingest.Case, len(cs))
	for i, k := range cs {
		out[i] = k.c
	}
	return out, next, nil
}

// ListEvaluations returns a page of orgID's runs f selects, newest first, without their metrics.
func (db *DB) ListEvaluations(ctx context.Context, orgID string, f evaluation.Filter, p aims.Page) ([]*evaluation.Run, string, error) {
	limit := pageLimit(p.Limit)
	conds, args := []string{"r.org_id = ?"}, []any{orgID}
	if f.SystemID != "" {
		conds, args = append(conds, "r.system_id = ?"), append(args, f.SystemID)
	}
	if f.Tool != "" {
		conds, args = append(conds, "r.tool = ?"), append(args, f.Tool)
	}
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		conds, args = append(conds, "r.id < ?"), append(args, c)
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+evalColumns+evalFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY r.id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list evaluation runs: %w", err)
	}
	rs, err := collect(rows, scanEvaluation)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read evaluation runs: %w", err)
	}
	rs, next := pageOf(rs, limit, func(r *evaluation.Run) string { return r.ID })
	return rs, next, nil
}

// EvaluationsOfSystem returns the newest limit runs of orgID's system systemID with their metrics, oldest
// first.
func (db *DB) EvaluationsOfSystem(ctx context.Context, orgID, systemID string, limit int) ([]*evaluation.Run, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+evalColumns+evalFrom+` WHERE r.org_id = ? AND r.system_id = ?
		ORDER BY r.id DESC LIMIT ?`, orgID, systemID, limit)
	if err != nil {
		return nil, fmt.Errorf("cannot list the system's evaluation runs: %w", err)
	}
	rs, err := collect(rows, scanEvaluation)
	if err != nil {
		return nil, fmt.Errorf("cannot read the system's evaluation runs: %w", err)
	}
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	if err := db.evalMetrics(ctx, orgID, rs); err != nil {
		return nil, err
	}
	return rs, nil
}

// EvaluatedSystems returns those of orgID's systems ids that have evaluation runs.
func (db *DB) EvaluatedSystems(ctx context.Context, orgID string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT DISTINCT system_id FROM evaluation_runs WHERE org_id = ? AND system_id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`) ORDER BY system_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot read the evaluated systems: %w", err)
	}
	return collect(rows, scanValue[string])
}

// SetEvaluationVerdicts stores the verdicts and rule results of runs.
func (db *DB) SetEvaluationVerdicts(ctx context.Context, orgID string, runs []*evaluation.Run) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, r := range runs {
			results, err := json.Marshal(r.Results)
			if err != nil {
				return err
			}
			var was string
			var started sql.NullTime
			var created time.Time
			err = tx.q().row(ctx, `SELECT verdict, started_at, created_at FROM evaluation_runs WHERE org_id = ? AND id = ?`, orgID, r.ID).
				Scan(&was, &started, &created)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("cannot read the verdict of an evaluation run: %w", err)
			}
			if _, err := tx.q().exec(ctx, `UPDATE evaluation_runs SET verdict = ?, results = ? WHERE org_id = ? AND id = ?`,
				r.Verdict, string(results), orgID, r.ID); err != nil {
				return fmt.Errorf("cannot store the verdict of an evaluation run: %w", err)
			}
			var at *time.Time
			if started.Valid {
				at = &started.Time
			}
			if err := tx.recount(ctx, orgID, record.TypeEvaluation, r.ID, runCountOf(was, at, created), runCountOf(r.Verdict, at, created)); err != nil {
				return err
			}
		}
		return nil
	})
}

// EvaluationCriteria returns the criteria of orgID's system systemID (no rules, rev 0, before the first).
func (db *DB) EvaluationCriteria(ctx context.Context, orgID, systemID string) (*evaluation.Criteria, error) {
	c := &evaluation.Criteria{SystemID: systemID, Rules: []evaluation.Rule{}}
	var rules string
	err := db.reader(ctx).row(ctx, `SELECT rules, rev, updated_by FROM evaluation_criteria WHERE org_id = ? AND system_id = ?`, orgID, systemID).
		Scan(&rules, &c.Rev, &c.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the acceptance criteria: %w", err)
	}
	if err := json.Unmarshal([]byte(rules), &c.Rules); err != nil {
		return nil, fmt.Errorf("acceptance criteria of %s: %w", systemID, err)
	}
	return c, nil
}

// PutEvaluationCriteria stores c as the criteria of its system if their rev is ifRev, with the activity
// entry (the rules before and after).
func (db *DB) PutEvaluationCriteria(ctx context.Context, orgID string, c *evaluation.Criteria, ifRev int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := db.EvaluationCriteria(context.WithValue(ctx, txKey{}, tx), orgID, c.SystemID)
		if err != nil {
			return err
		}
		if before.Rev != ifRev {
			return aims.Stale("the acceptance criteria", before.Rev, ifRev)
		}
		rules, err := json.Marshal(c.Rules)
		if err != nil {
			return err
		}
		now := db.now().UTC()
		c.Rev = ifRev + 1
		var res sql.Result
		if ifRev == 0 {
			res, err = tx.q().exec(ctx, `INSERT INTO evaluation_criteria (org_id, system_id, rules, rev, updated_by, updated_at)
				VALUES (?, ?, ?, 1, ?, ?)`, orgID, c.SystemID, string(rules), c.UpdatedBy, now)
		} else {
			res, err = tx.q().exec(ctx, `UPDATE evaluation_criteria SET rules = ?, rev = rev + 1, updated_by = ?, updated_at = ?
				WHERE org_id = ? AND system_id = ? AND rev = ?`, string(rules), c.UpdatedBy, now, orgID, c.SystemID, ifRev)
		}
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return aims.Errorf(aims.EPRECONDITION, "Someone set the acceptance criteria at the same time; reload them.")
		}
		if err != nil {
			return fmt.Errorf("cannot store the acceptance criteria: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Errorf(aims.EPRECONDITION, "Someone set the acceptance criteria at the same time; reload them.")
		}
		type entry struct {
			SystemID string            `json:"system_id"`
			Rules    []evaluation.Rule `json:"rules"`
		}
		var old any
		if before.Rev > 0 {
			old = entry{c.SystemID, before.Rules}
		}
		action := activity.ActionUpdate
		if before.Rev == 0 {
			action = activity.ActionCreate
		}
		return tx.record(ctx, orgID, action, "evaluation_criteria", c.SystemID, old, entry{c.SystemID, c.Rules})
	})
}
