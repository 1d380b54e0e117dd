package store

// The bulk write of an imported register: risks copied (PostgreSQL) or inserted riskBatch rows a
// statement (SQLite) in the caller's transaction, numbered in sequence after the organization's last
// risk, with one activity entry for the whole import and the heat maps recounted once.

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/risk"
)

var _ risk.ImportStore = (*DB)(nil)

// riskBatch is the rows of one INSERT of an import on SQLite: 30 parameters a row stay under SQLite's
// limit of 32,766.
const riskBatch = 1

// importCacheKiB is the most page cache an import of risks takes on SQLite, in KiB.
const importCacheKiB = 256 << 10

// riskImportColumns are the columns an import writes, in the order of riskImportRow.
var riskImportColumns = []string{"id", "org_id", "seq", "title", "description", "system_id", "source", "objective", "genai_risk",
	"owner_id", "inherent_likelihood", "inherent_consequences", "inherent_worst", "inherent_level", "existing_controls",
	"residual_likelihood", "residual_consequences", "residual_worst", "residual_level", "treatment_option", "treatment_plan", "level",
	"level_rank", "status", "review_due", "review_key", "criteria_version", "version", "created_by", "created_at", "updated_at"}

func riskImportRow(r *risk.Risk, c *risk.Criteria) []any {
	row := append([]any{r.ID, r.OrgID, r.Seq}, riskCols(r, c)...)
	return append(row, r.Version, r.CreatedBy, r.CreatedAt, r.UpdatedAt)
}

// RiskImportSystems returns the names of orgID's AI systems by id.
func (db *DB) RiskImportSystems(ctx context.Context, orgID string) (map[string]string, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT id, name FROM systems WHERE org_id = ?`, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the AI systems: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("cannot read the AI systems: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// ImportRisks stores rs, rated with c, numbered after the organization's last risk in their order, with
// one activity entry (res) and the heat maps recounted. ECONFLICT when another risk took a number at
// the same time.
func (db *DB) ImportRisks(ctx context.Context, rs []*risk.Risk, c *risk.Criteria, res *risk.ImportResult) error {
	if len(rs) == 0 {
		return nil
	}
	orgID := rs[0].OrgID
	return db.WithTx(ctx, func(tx *Tx) error {
		var seq int64
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(seq), 0) FROM risks WHERE org_id = ?`, orgID).Scan(&seq); err != nil {
			return fmt.Errorf("cannot number the risks: %w", err)
		}
		now := db.now().UTC()
		for _, r := range rs {
			if r.OrgID != orgID {
				return fmt.Errorf("cannot import the risks of two organizations at once")
			}
			seq++
			r.ID, r.Seq, r.Version, r.Ref = aims.NewID(), seq, 1, "R-"+strconv.FormatInt(seq, 10)
			r.CreatedAt, r.UpdatedAt = now, now
		}
		if err := tx.insertRisks(ctx, rs, c); err != nil {
			if aims.ErrorCode(err) == aims.ECONFLICT {
				return aims.Errorf(aims.ECONFLICT, "Another risk was registered while the file was imported; import it again. Nothing was imported.")
			}
			return fmt.Errorf("cannot store the imported risks: %w", err)
		}
		res.FirstRef, res.LastRef = rs[0].Ref, rs[len(rs)-1].Ref
		if err := tx.record(ctx, orgID, activity.ActionCreate, "risk_import", aims.NewID(), nil, res); err != nil {
			return err
		}
		return db.RebuildRiskCells(ctx, orgID) // in tx: WithTx joins the transaction ctx carries
	})
}

func (tx *Tx) insertRisks(ctx context.Context, rs []*risk.Risk, c *risk.Criteria) error {
	if tx.db.dialect == Postgres {
		return tx.copyRows(ctx, "risks", riskImportColumns, len(rs), func(i int) []any { return riskImportRow(rs[i], c) })
	}
	// The risks and their nine indexes outgrow SQLite's page cache (2 MiB by default) within a few
	// thousand rows; and each multi-row INSERT keeps a statement journal, a temporary file by default,
	// of the pages it changes. Written to disk, both took half the time of an import of 50,000; the
	// writer's cache is raised and its temporary files kept in memory for the import.
	restore, err := tx.pragmas(ctx, map[string]string{"cache_size": strconv.Itoa(-importCacheKiB)})
	if err != nil {
		return err
	}
	defer restore()
	cols := len(riskImportColumns)
	b := tx.batch(`INSERT INTO risks (id, org_id, seq, title, description, system_id, source, objective, genai_risk,
		owner_id, inherent_likelihood, inherent_consequences, inherent_worst, inherent_level, existing_controls, residual_likelihood,
		residual_consequences, residual_worst, residual_level, treatment_option, treatment_plan, level, level_rank, status, review_due,
		review_key, criteria_version, version, created_by, created_at, updated_at) VALUES `,
		`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ``)
	defer b.close()
	return chunks(len(rs), riskBatch, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*cols)
		for _, r := range rs[lo:hi] {
			args = append(args, riskImportRow(r, c)...)
		}
		_, err := b.exec(ctx, hi-lo, args)
		return normalize(err)
	})
}

// pragmas sets SQLite's pragmas on the transaction's connection, and returns the function that sets them
// back as they were.
func (tx *Tx) pragmas(ctx context.Context, set map[string]string) (func(), error) {
	was := map[string]string{}
	for name, v := range set {
		var cur string
		if err := tx.q().row(ctx, `PRAGMA `+name).Scan(&cur); err != nil {
			return nil, fmt.Errorf("cannot read pragma %s: %w", name, err)
		}
		was[name] = cur
		if _, err := tx.q().exec(ctx, `PRAGMA `+name+` = `+v); err != nil {
			return nil, fmt.Errorf("cannot set pragma %s: %w", name, err)
		}
	}
	return func() {
		for name, v := range was {
			_, _ = tx.q().exec(context.WithoutCancel(ctx), `PRAGMA `+name+` = `+v)
		}
	}, nil
}
