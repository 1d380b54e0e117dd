package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
)

// A BOM import being written is pending (migration 0023; see component.Service.ImportBOM for the whole design): its
// rows carry its id in import_id and stay invisible until its last transaction deletes its bom_pending
// row.

// pendingImports selects the ids of the BOM imports not yet complete. Every read of components and links
// leaves out the rows whose import_id is among them (import_id is empty on the rows of no import).
const pendingImports = `(SELECT id FROM bom_pending)`

// The statements that find an import's rows by its id. The condition that import_id is not empty lets
// both databases use the partial indexes on import_id (see TestBOMImportRowsAreFoundByTheirIndex).
const (
	importLinkBatch      = `SELECT component_id FROM system_components WHERE import_id = ? AND import_id <> '' LIMIT ?`
	importComponentBatch = `SELECT id FROM components WHERE import_id = ? AND import_id <> '' LIMIT ?`
)

// The rows of one transaction of an import: each batch is sized from the time the one before took, so
// that it holds the writer for about importBatchTime, between importBatchMin and importBatchMax rows
// (batches of a fixed 2,000 rows held it for 0.3 to 1.5 s each on a machine busy with other work: they
// need the CPU, which a small write hardly does). A write that comes meanwhile waits for about one batch,
// before the import asks for the writer again.
const (
	importBatchTime  = 10 * time.Millisecond
	importBatchFirst = 500
	importBatchMin   = 50
	importBatchMax   = 2000
)

// importDrop is the number of rows that one transaction deletes of a failed import.
const importDrop = 500

// importLease is how long a pending import keeps its organization without writing: each batch renews
// it. An import whose lease has run out is taken to be dead (its process gone) and is deleted by the next
// import into its organization or by DropStaleImports.
const importLease = time.Minute

// errImportBusy is the answer to an import into an organization that another import is being written to.
var errImportBusy = aims.Errorf(aims.ECONFLICT, "Another BOM import into this organization is being stored; import again once it has finished.")

// beginImport registers a pending import into orgID's system systemID and returns its id; ECONFLICT when
// another import of the organization is pending and alive. A dead one (lease run out) is deleted first.
func (db *DB) beginImport(ctx context.Context, orgID, systemID string) (string, error) {
	id := aims.NewID()
	for range 2 {
		var stale string
		err := db.WithTx(ctx, func(tx *Tx) error {
			now := db.now()
			var other string
			var until time.Time
			err := tx.q().row(ctx, `SELECT id, lease_until FROM bom_pending WHERE org_id = ?`, orgID).Scan(&other, &until)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return fmt.Errorf("cannot read the pending BOM imports: %w", err)
			case until.After(now):
				return errImportBusy
			default:
				stale = other
				return nil
			}
			if _, err := tx.q().exec(ctx, `INSERT INTO bom_pending (id, org_id, system_id, started_at, lease_until)
				VALUES (?, ?, ?, ?, ?)`, id, orgID, systemID, now, now.Add(importLease)); err != nil {
				if aims.ErrorCode(err) == aims.ECONFLICT {
					return errImportBusy // registered by another at the same time
				}
				return fmt.Errorf("cannot register the BOM import: %w", err)
			}
			return nil
		})
		if err != nil || stale == "" {
			return id, err
		}
		if err := db.dropImport(ctx, stale); err != nil {
			return "", err
		}
	}
	return "", errImportBusy
}

// importStep runs fn, a batch of pending import id, in a transaction that renews the import's lease;
// ECONFLICT when the import is no longer pending (it was taken for dead and deleted).
func (db *DB) importStep(ctx context.Context, id string, fn func(tx *Tx) error) error {
	err := db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.renewImport(ctx, id); err != nil {
			return err
		}
		return fn(tx)
	})
	if err == nil && db.importFault != nil {
		db.importMu.Lock()
		if db.importSteps == nil {
			db.importSteps = map[string]int{}
		}
		db.importSteps[id]++
		step := db.importSteps[id]
		db.importMu.Unlock()
		err = db.importFault(step)
	}
	return err
}

// RenewBOMImport extends the lease of pending import id, as a batch does: an import that waits (for its
// schema validation) renews it now and then. ECONFLICT when the import is no longer pending.
func (db *DB) RenewBOMImport(ctx context.Context, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error { return tx.renewImport(ctx, id) })
}

// renewImport extends the lease of pending import id; ECONFLICT when it is no longer pending (it was taken
// for dead and deleted).
func (tx *Tx) renewImport(ctx context.Context, id string) error {
	res, err := tx.q().exec(ctx, `UPDATE bom_pending SET lease_until = ? WHERE id = ?`, tx.db.now().Add(importLease), id)
	if err != nil {
		return fmt.Errorf("cannot renew the BOM import: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return aims.Errorf(aims.ECONFLICT, "The BOM import took too long and was abandoned; import it again.")
	}
	return nil
}

// importBatches writes n rows of pending import id, write(tx, lo, hi) writing rows lo to hi, in batches
// (see importBatchTime), each an import step. On PostgreSQL, which has no single
// writer (an import's transaction locks no row that another organization's writes need), the rows go in
// one batch: small ones cost a commit each and made a 20 MB import five times slower on a busy machine.
func (db *DB) importBatches(ctx context.Context, id string, n int, write func(tx *Tx, lo, hi int) error) error {
	size := importBatchFirst
	if db.dialect == Postgres {
		size = max(n, 1)
	}
	for lo := 0; lo < n; {
		hi := min(lo+size, n)
		var held time.Duration
		if err := db.importStep(ctx, id, func(tx *Tx) error {
			t0 := time.Now()
			err := write(tx, lo, hi)
			held = time.Since(t0)
			return err
		}); err != nil {
			return err
		}
		// The next batch: as many rows as take importBatchTime at this batch's pace, growing at most
		// twofold at a time.
		next := float64(hi-lo) * float64(importBatchTime) / float64(max(held, time.Microsecond))
		if db.dialect == SQLite {
			size = int(min(max(next, importBatchMin), float64(2*size), importBatchMax))
		}
		lo = hi
	}
	return nil
}

// endImport makes pending import id visible, in the caller's transaction (the import's last);
// ECONFLICT when it is no longer pending.
func (tx *Tx) endImport(ctx context.Context, id string) error {
	tx.db.forgetSteps(id)
	res, err := tx.q().exec(ctx, `DELETE FROM bom_pending WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("cannot complete the BOM import: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return aims.Errorf(aims.ECONFLICT, "The BOM import took too long and was abandoned; import it again.")
	}
	return nil
}

// dropImport deletes what pending import id wrote, importDrop rows a transaction, then the import
// itself: its rows stay invisible until they are gone.
func (db *DB) dropImport(ctx context.Context, id string) error {
	db.forgetSteps(id)
	for _, del := range []string{
		`DELETE FROM system_components WHERE import_id = ? AND component_id IN (` + importLinkBatch + `)`,
		`DELETE FROM components WHERE import_id = ? AND id IN (` + importComponentBatch + `)`,
	} {
		for {
			var n int64
			if err := db.WithTx(ctx, func(tx *Tx) error {
				res, err := tx.q().exec(ctx, del, id, id, importDrop)
				if err != nil {
					return err
				}
				n, err = res.RowsAffected()
				return err
			}); err != nil {
				return fmt.Errorf("cannot delete the rows of BOM import %s: %w", id, err)
			}
			if n < importDrop {
				break
			}
		}
	}
	if _, err := db.writer(ctx).exec(ctx, `DELETE FROM bom_pending WHERE id = ?`, id); err != nil {
		return fmt.Errorf("cannot delete BOM import %s: %w", id, err)
	}
	return nil
}

// DropStaleImports deletes the BOM imports whose process died while writing them (their lease has run
// out), with every row they wrote; serve calls it at start. It returns how many it deleted.
func (db *DB) DropStaleImports(ctx context.Context) (int, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT id FROM bom_pending WHERE lease_until < ?`, db.now())
	if err != nil {
		return 0, fmt.Errorf("cannot read the pending BOM imports: %w", err)
	}
	ids, err := collect(rows, scanValue[string])
	if err != nil {
		return 0, fmt.Errorf("cannot read the pending BOM imports: %w", err)
	}
	for i, id := range ids {
		if err := db.dropImport(ctx, id); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// forgetSteps forgets the batches counted of import id (for importFault).
func (db *DB) forgetSteps(id string) {
	db.importMu.Lock()
	delete(db.importSteps, id)
	db.importMu.Unlock()
}
