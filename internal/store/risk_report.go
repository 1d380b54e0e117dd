package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/risk"
)

var _ risk.ReportStore = (*DB)(nil)

// RiskTreatments returns, by risk id, the controls that treat orgID's risks ids (links "control treats
// risk", by reference) with their titles, and the tasks on them by due date, overdue as of today.
func (db *DB) RiskTreatments(ctx context.Context, orgID string, ids []string, today string) (map[string][]risk.PlanControl,
	map[string][]risk.PlanAction, error) {
	controls, actions := map[string][]risk.PlanControl{}, map[string][]risk.PlanAction{}
	q := db.reader(ctx)
	var refs []record.Ref
	type link struct{ risk, control string }
	var links []link
	for lo := 0; lo < len(ids); lo += 500 {
		chunk := ids[lo:min(len(ids), lo+500)]
		in := `(?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		args := []any{orgID, string(record.RelTreats), string(record.TypeControl), string(record.TypeRisk)}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.query(ctx, `SELECT to_id, from_id FROM links WHERE org_id = ? AND relationship = ? AND from_type = ? AND to_type = ?
			AND to_id IN `+in+` ORDER BY from_id`, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read the controls that treat the risks: %w", err)
		}
		for rows.Next() {
			var l link
			if err := rows.Scan(&l.risk, &l.control); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("cannot read the controls that treat the risks: %w", err)
			}
			links = append(links, l)
			refs = append(refs, record.Ref{Type: record.TypeControl, ID: l.control})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
		targs := append([]any{orgID, string(record.TypeRisk)}, args[4:]...)
		rows, err = q.query(ctx, taskSelect+` WHERE t.org_id = ? AND t.record_type = ? AND t.record_id IN `+in+` ORDER BY t.due_key, t.id`, targs...)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read the tasks on the risks: %w", err)
		}
		ts, err := collect(rows, scanTask)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read the tasks on the risks: %w", err)
		}
		for _, t := range ts {
			overdue := t.Active() && t.Due != "" && t.Due < today
			actions[t.Record.ID] = append(actions[t.Record.ID], risk.PlanAction{Title: t.Title, Owner: t.OwnerName, Due: t.Due,
				Status: t.Status, Overdue: overdue})
		}
	}
	if len(links) == 0 {
		return controls, actions, nil
	}
	ends, err := db.ResolveRecords(ctx, orgID, refs)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range links {
		c := risk.PlanControl{Ref: l.control}
		if _, ref, ok := strings.Cut(l.control, "/"); ok {
			c.Ref = ref
		}
		if e, ok := ends[record.Ref{Type: record.TypeControl, ID: l.control}]; ok {
			c.Title = e.Title
		}
		controls[l.risk] = append(controls[l.risk], c)
	}
	return controls, actions, nil
}
