package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/gate"
)

// GatePolicy returns orgID's newest saved release-gate policy; ENOTFOUND when it has saved none.
func (db *DB) GatePolicy(ctx context.Context, orgID string) (*gate.Policy, error) {
	var p gate.Policy
	var body, by, byName string
	var at time.Time
	err := db.reader(ctx).row(ctx, `SELECT g.version, g.body, g.created_by, COALESCE(u.name, ''), g.created_at
		FROM gate_policies g LEFT JOIN users u ON u.id = g.created_by WHERE g.org_id = ? ORDER BY g.version DESC LIMIT 1`, orgID).
		Scan(&p.Version, &body, &by, &byName, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, aims.Errorf(aims.ENOTFOUND, "The organization has saved no release gate policy.")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the release gate policy: %w", err)
	}
	v := p.Version
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return nil, fmt.Errorf("cannot read the release gate policy: %w", err)
	}
	at = at.UTC()
	p.OrgID, p.Version, p.CreatedBy, p.CreatedByName, p.CreatedAt = orgID, v, by, byName, &at
	return &p, nil
}

// SaveGatePolicy stores p as orgID's next version, with its activity entry; ECONFLICT when the newest
// saved version is not basedOn.
func (db *DB) SaveGatePolicy(ctx context.Context, p *gate.Policy, basedOn int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var cur int64
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(version), 0) FROM gate_policies WHERE org_id = ?`, p.OrgID).Scan(&cur); err != nil {
			return fmt.Errorf("cannot number the release gate policy: %w", err)
		}
		if cur != basedOn {
			return aims.Errorf(aims.ECONFLICT, "The release gate policy is at version %d now, not %d: reload it and change it again.", cur, basedOn)
		}
		at := db.now().UTC()
		p.Version, p.CreatedAt = cur+1, &at
		body, err := json.Marshal(struct {
			Stages []gate.StageRule `json:"stages"`
		}{p.Stages})
		if err != nil {
			return err
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO gate_policies (org_id, version, body, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			p.OrgID, p.Version, string(body), p.CreatedBy, at); err != nil {
			if aims.ErrorCode(err) == aims.ECONFLICT {
				return aims.Errorf(aims.ECONFLICT, "Someone saved the release gate policy at the same time; reload it and change it again.")
			}
			return fmt.Errorf("cannot store the release gate policy: %w", err)
		}
		return tx.record(ctx, p.OrgID, activity.ActionCreate, "gate_policy", strconv.FormatInt(p.Version, 10), nil, p)
	})
}
