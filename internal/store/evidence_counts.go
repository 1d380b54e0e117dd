package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/readiness"
	"github.com/aimsproject/aims/internal/record"
)

// The kinds of evidence_counts (migration 0040).
const (
	countEvidence = "evidence"
	countDraft    = "draft"
	countRun      = "run"
	countRunFail  = "run_fail"
)

// evidenceCount is how one evidence link counts toward its control's readiness: its kind and day.
type evidenceCount struct{ kind, day string }

func evidenceCountOf(status, validUntil string) evidenceCount {
	if status == evidence.StatusDraft {
		return evidenceCount{countDraft, validUntil}
	}
	return evidenceCount{countEvidence, validUntil}
}

func runCountOf(verdict string, started *time.Time, created time.Time) evidenceCount {
	if verdict == evaluation.OutcomeFail {
		return evidenceCount{countRunFail, ""}
	}
	at := created
	if started != nil {
		at = *started
	}
	return evidenceCount{countRun, at.UTC().AddDate(0, 0, readiness.EvaluationMaxAgeDays).Format(time.DateOnly)}
}

// count adds d to the count of control's links of c, and to its kind's roll-up (to the lapsed ones too
// when c's day is before the roll-up's), removing the rows that fall to 0.
func (tx *Tx) count(ctx context.Context, orgID, control string, c evidenceCount, d int) error {
	if _, err := tx.q().exec(ctx, `INSERT INTO evidence_counts (org_id, control, kind, day, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id, control, kind, day) DO UPDATE SET n = evidence_counts.n + excluded.n`, orgID, control, c.kind, c.day, d); err != nil {
		return fmt.Errorf("cannot count the evidence of %s: %w", control, err)
	}
	today := tx.db.now().UTC().Format(time.DateOnly)
	lapsed := 0
	if c.day != "" && c.day < today {
		lapsed = d
	}
	if _, err := tx.q().exec(ctx, `INSERT INTO evidence_rollup (org_id, control, kind, as_of, total, lapsed) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, control, kind) DO UPDATE SET total = evidence_rollup.total + excluded.total,
			lapsed = evidence_rollup.lapsed + CASE WHEN ? <> '' AND ? < evidence_rollup.as_of THEN ? ELSE 0 END`,
		orgID, control, c.kind, today, d, lapsed, c.day, c.day, d); err != nil {
		return fmt.Errorf("cannot count the evidence of %s: %w", control, err)
	}
	if d < 0 {
		if _, err := tx.q().exec(ctx, `DELETE FROM evidence_counts WHERE org_id = ? AND control = ? AND kind = ? AND day = ? AND n <= 0`,
			orgID, control, c.kind, c.day); err != nil {
			return fmt.Errorf("cannot count the evidence of %s: %w", control, err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM evidence_rollup WHERE org_id = ? AND control = ? AND kind = ? AND total <= 0`,
			orgID, control, c.kind); err != nil {
			return fmt.Errorf("cannot count the evidence of %s: %w", control, err)
		}
	}
	return nil
}

// countEvidenceLink keeps evidence_counts as l is made (d = 1) or removed (d = -1), when l says that a
// piece of evidence or an evaluation run evidences a control.
func (tx *Tx) countEvidenceLink(ctx context.Context, l *record.Link, d int) error {
	if l.Relationship != record.RelEvidences || l.To.Type != record.TypeControl {
		return nil
	}
	var c evidenceCount
	switch l.From.Type {
	case record.TypeEvidence:
		var status, validUntil string
		err := tx.q().row(ctx, `SELECT status, valid_until FROM evidence WHERE org_id = ? AND id = ?`, l.OrgID, l.From.ID).Scan(&status, &validUntil)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read the evidence linked: %w", err)
		}
		c = evidenceCountOf(status, validUntil)
	case record.TypeEvaluation:
		var verdict string
		var started sql.NullTime
		var created time.Time
		err := tx.q().row(ctx, `SELECT verdict, started_at, created_at FROM evaluation_runs WHERE org_id = ? AND id = ?`, l.OrgID, l.From.ID).
			Scan(&verdict, &started, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read the evaluation run linked: %w", err)
		}
		var at *time.Time
		if started.Valid {
			at = &started.Time
		}
		c = runCountOf(verdict, at, created)
	default:
		return nil
	}
	return tx.count(ctx, l.OrgID, l.To.ID, c, d)
}

// recount moves the control links of the record fromType/fromID from count was to count now, when they
// differ: the evidence's status or valid-until date changed, or a run's verdict.
func (tx *Tx) recount(ctx context.Context, orgID string, fromType record.Type, fromID string, was, now evidenceCount) error {
	if was == now {
		return nil
	}
	rows, err := tx.q().query(ctx, `SELECT to_id FROM links WHERE org_id = ? AND from_type = ? AND from_id = ? AND relationship = ?
		AND to_type = ?`, orgID, fromType, fromID, record.RelEvidences, record.TypeControl)
	if err != nil {
		return fmt.Errorf("cannot read the controls evidenced: %w", err)
	}
	controls, err := collect(rows, scanValue[string])
	if err != nil {
		return fmt.Errorf("cannot read the controls evidenced: %w", err)
	}
	for _, c := range controls {
		if err := tx.count(ctx, orgID, c, was, -1); err != nil {
			return err
		}
		if err := tx.count(ctx, orgID, c, now, 1); err != nil {
			return err
		}
	}
	return nil
}

// EvidenceByControl returns, for every control or clause item of orgID that evidence is linked to (as
// "KEY/REF"), how many pieces are current on today (not drafts, valid until today or later, or with no
// end), how many lapsed and the latest date one lapsed on, and the soonest date a current one lapses on
// by soon. Evaluation runs linked to a control count too: one that does not fail its criteria is current
// for EvaluationMaxAgeDays after it ran, then lapsed; a failing one counts as failing.
//
// It reads the roll-ups of evidence_rollup, with the latest and soonest dates found by an index seek
// each, and adds the counts of the days between each roll-up's day and today: a few rows per control
// however many links there are, as long as the daily job moves the roll-ups on (AdvanceEvidenceRollups).
func (db *DB) EvidenceByControl(ctx context.Context, orgID, today, soon string) (map[string]readiness.EvidenceState, error) {
	q := db.reader(ctx)
	type rollup struct {
		control, kind, asOf string
		total, lapsed       int
	}
	rows, err := q.query(ctx, `SELECT u.control, u.kind, u.as_of, u.total, u.lapsed,
		CASE WHEN u.kind IN ('evidence', 'draft') THEN COALESCE((SELECT MAX(c.day) FROM evidence_counts c WHERE c.org_id = u.org_id
			AND c.control = u.control AND c.kind = u.kind AND c.day <> '' AND c.day < ?), '') ELSE '' END,
		CASE WHEN u.kind = 'evidence' THEN COALESCE((SELECT MIN(c.day) FROM evidence_counts c WHERE c.org_id = u.org_id
			AND c.control = u.control AND c.kind = u.kind AND c.day >= ? AND c.day <= ?), '') ELSE '' END
		FROM evidence_rollup u WHERE u.org_id = ?`, today, today, soon, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
	}
	var rus []rollup
	out := map[string]readiness.EvidenceState{}
	from, to := today, today
	for rows.Next() {
		var ru rollup
		var lapsedOn, lapsesOn string
		if err := rows.Scan(&ru.control, &ru.kind, &ru.asOf, &ru.total, &ru.lapsed, &lapsedOn, &lapsesOn); err != nil {
			rows.Close()
			return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
		}
		rus = append(rus, ru)
		st := out[ru.control]
		st.LapsedOn = max(st.LapsedOn, lapsedOn)
		if lapsesOn != "" && (st.LapsesOn == "" || lapsesOn < st.LapsesOn) {
			st.LapsesOn = lapsesOn
		}
		out[ru.control] = st
		from, to = min(from, ru.asOf), max(to, ru.asOf)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
	}
	// The links whose day lies between a roll-up's day and today lapsed since (or, for a roll-up ahead
	// of today, have not lapsed yet).
	type key struct{ control, kind string }
	moved := map[key]map[string]int{}
	if from < to {
		rows, err := q.query(ctx, `SELECT control, kind, day, n FROM evidence_counts WHERE org_id = ? AND day <> '' AND day >= ? AND day < ?`,
			orgID, from, to)
		if err != nil {
			return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
		}
		for rows.Next() {
			var k key
			var day string
			var n int
			if err := rows.Scan(&k.control, &k.kind, &day, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
			}
			if moved[k] == nil {
				moved[k] = map[string]int{}
			}
			moved[k][day] += n
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("cannot count the evidence of the controls: %w", err)
		}
	}
	for _, ru := range rus {
		lapsed := ru.lapsed
		for day, n := range moved[key{ru.control, ru.kind}] {
			switch {
			case day >= ru.asOf && day < today:
				lapsed += n
			case day >= today && day < ru.asOf:
				lapsed -= n
			}
		}
		st := out[ru.control]
		switch ru.kind {
		case countEvidence:
			st.Current += ru.total - lapsed
			st.Lapsed += lapsed
		case countDraft:
			st.Lapsed += lapsed
		case countRun:
			st.Current += ru.total - lapsed
			st.Lapsed += lapsed
		case countRunFail:
			st.Failing += ru.total
		}
		out[ru.control] = st
	}
	return out, nil
}

// AdvanceEvidenceRollups moves every organization's evidence roll-ups to today, counting as lapsed the
// links whose day passed since their last move; the daily job calls it. It returns how many roll-ups moved.
func (db *DB) AdvanceEvidenceRollups(ctx context.Context, today string) (int64, error) {
	res, err := db.writer(ctx).exec(ctx, `UPDATE evidence_rollup SET lapsed = lapsed + COALESCE((SELECT SUM(c.n) FROM evidence_counts c
		WHERE c.org_id = evidence_rollup.org_id AND c.control = evidence_rollup.control AND c.kind = evidence_rollup.kind
			AND c.day <> '' AND c.day >= evidence_rollup.as_of AND c.day < ?), 0), as_of = ?
		WHERE as_of < ?`, today, today, today)
	if err != nil {
		return 0, fmt.Errorf("cannot move the evidence roll-ups on: %w", err)
	}
	return res.RowsAffected()
}
