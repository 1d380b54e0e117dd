package store

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom"
)

var _ component.BOMStore = (*DB)(nil)

const bomImportColumns = `id, org_id, system_id, seq, spec_version, serial_number, bom_version, filename, sha256, components,
	imported_by, imported_by_name, imported_at`

func scanBOMImport(sc scanner, dest ...any) (*component.BOMImport, error) {
	var b component.BOMImport
	if err := sc.Scan(append([]any{&b.ID, &b.OrgID, &b.SystemID, &b.Seq, &b.SpecVersion, &b.SerialNumber, &b.BOMVersion,
		&b.Filename, &b.SHA256, &b.Components, &b.ImportedBy, &b.ImportedByName, &b.ImportedAt}, dest...)...); err != nil {
		return nil, err
	}
	b.ImportedAt = b.ImportedAt.UTC()
	return &b, nil
}

// bomBatch is the number of rows of one multi-row statement of an import: with 13 columns a component
// batch stays well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const bomBatch = 500

// The steps of a BOM import, which component.Service.ImportBOM runs in order (see it for the whole design).
// A BOM may hold tens of thousands of components, and on SQLite every write waits for the one writer
// connection: written in one transaction, an import of 20 MB held it for seconds while other
// organizations' writes waited. So an import is written in short transactions (batches sized to hold the
// writer for about importBatchTime each, see importBatches) that other writes run between, and is kept
// invisible until its last one: its rows carry its id in import_id, and every read of components and
// links leaves out the rows of a pending import (see pendingImports).
//
// Measured with BenchmarkImportBOM20MB (62,000 components, 2 cores, the schema validation running
// alongside): about 1.55 s on SQLite and 1.9 s on PostgreSQL in one transaction; for the batched import
// and the latency of other organizations' writes meanwhile, see BenchmarkImportBOMOtherOrgWrites.

// BeginBOMImport registers a pending import into orgID's system systemID (ENOTFOUND when the organization
// has no such system) and returns its id; ECONFLICT while another import of the organization is pending
// and alive. A dead one (its lease run out) is deleted first.
func (db *DB) BeginBOMImport(ctx context.Context, orgID, systemID string) (string, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, systemID); err != nil {
		return "", err
	}
	return db.beginImport(ctx, orgID, systemID)
}

// BOMLinkedComponents returns the ids of the components linked to orgID's system systemID, pending
// imports' links left out.
func (db *DB) BOMLinkedComponents(ctx context.Context, orgID, systemID string) ([]string, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT component_id FROM system_components WHERE system_id = ? AND org_id = ?
		AND import_id NOT IN `+pendingImports, systemID, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot read the links of AI system %s: %w", systemID, err)
	}
	ids, err := collect(rows, scanValue[string])
	if err != nil {
		return nil, fmt.Errorf("cannot read the links of AI system %s: %w", systemID, err)
	}
	return ids, nil
}

// WriteBOMComponents inserts cs (ids, versions and times set) as components of pending import id, in
// batches of their own transactions, each renewing the import's lease (ECONFLICT when it is no longer
// pending).
func (db *DB) WriteBOMComponents(ctx context.Context, id string, cs []*component.Component) error {
	return db.importBatches(ctx, id, len(cs), func(tx *Tx, lo, hi int) error {
		return tx.insertComponents(ctx, id, cs[lo:hi])
	})
}

// WriteBOMLinks links the components cs to orgID's system systemID with role as links of pending import
// id made at at, in batches as WriteBOMComponents writes.
func (db *DB) WriteBOMLinks(ctx context.Context, id, orgID, systemID, role string, cs []*component.Component, at time.Time) error {
	return db.importBatches(ctx, id, len(cs), func(tx *Tx, lo, hi int) error {
		return tx.insertLinks(ctx, id, orgID, systemID, role, cs[lo:hi], at)
	})
}

// UpdateBOMComponents stores the components the import changes at at, each only if still at the version
// it was read at (else ECONFLICT), in the caller's transaction (Atomically).
func (db *DB) UpdateBOMComponents(ctx context.Context, orgID string, us []component.BOMUpdate, at time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error { return tx.updateComponents(ctx, orgID, us, at) })
}

// CompleteBOMImport stores imp, numbered the system's next version, with its inventory compressed as
// inventoryGzip, writes the one activity entry whose counts summarize the import, and makes pending
// import id visible; in the caller's transaction (Atomically), which the import's last is. It sets imp's
// ID, Seq, importer and ImportedAt; ECONFLICT when the import is no longer pending.
func (db *DB) CompleteBOMImport(ctx context.Context, id string, imp *component.BOMImport, inventoryGzip []byte) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var last int64
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(seq), 0) FROM bom_imports WHERE org_id = ? AND system_id = ?`,
			imp.OrgID, imp.SystemID).Scan(&last); err != nil {
			return fmt.Errorf("cannot number the BOM import: %w", err)
		}
		now := db.now()
		a := aims.ActorFrom(ctx)
		imp.ID, imp.Seq, imp.ImportedAt = id, last+1, now.UTC()
		imp.ImportedBy, imp.ImportedByName = a.UserID, a.Name
		if imp.ImportedBy == "" {
			imp.ImportedBy = a.ID
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO bom_imports (id, org_id, system_id, seq, spec_version, serial_number,
			bom_version, filename, sha256, components, inventory, inventory_gzip, imported_by, imported_by_name, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)`,
			imp.ID, imp.OrgID, imp.SystemID, imp.Seq, imp.SpecVersion, imp.SerialNumber, imp.BOMVersion, imp.Filename,
			imp.SHA256, imp.Components, inventoryGzip, imp.ImportedBy, imp.ImportedByName, now); err != nil {
			return fmt.Errorf("cannot store the BOM import: %w", err)
		}
		summary := *imp
		summary.Inventory = nil
		if err := tx.record(ctx, imp.OrgID, activity.ActionCreate, "bom_import", imp.ID, nil, &summary); err != nil {
			return err
		}
		return tx.endImport(ctx, id)
	})
}

// DropBOMImport deletes what pending import id wrote, in batches, then the import itself; its rows stay
// invisible until they are gone. Were it not called (the process gone), the import's lease runs out and
// the next import or DropStaleImports deletes them.
func (db *DB) DropBOMImport(ctx context.Context, id string) error { return db.dropImport(ctx, id) }

// BOMCandidates returns the components of orgID that a BOM whose components have the names names may
// match, oldest first (so that of two with the same bom-ref the newer wins): all of them when they are
// few, else those of the names (both ways of matching need the same name).
func (db *DB) BOMCandidates(ctx context.Context, orgID string, names []string) ([]*component.Component, error) {
	q := db.reader(ctx)
	var stored []*component.Component
	read := func(cond string, args ...any) error {
		rows, err := q.query(ctx, componentSelect+cond, args...)
		if err != nil {
			return err
		}
		cs, err := collect(rows, scanComponent)
		stored = append(stored, cs...)
		return err
	}
	// An organization with no more components than the BOM has names (the first import into it, or
	// the import of the BOM that made them) is read whole, one range of an index, which is cheaper than
	// looking each name up; a larger one is read by the BOM's names.
	var held int
	if err := q.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM components WHERE org_id = ? LIMIT ?) x`,
		orgID, len(names)+1).Scan(&held); err != nil {
		return nil, fmt.Errorf("cannot count components: %w", err)
	}
	var err error
	switch {
	case held <= len(names):
		err = read(``, orgID)
	case db.dialect == Postgres:
		// One array parameter: the planner does not know how many rows the table holds when they were
		// written a moment ago, and a scan that compares each with a list of hundreds of parameters
		// takes minutes where a hashed array takes milliseconds.
		err = read(`AND c.name = ANY(?)`, orgID, names)
	default:
		// One JSON array parameter, for the same reason: hundreds of statements of 500 names each took a
		// quarter of a second for a BOM of 62,000 components.
		list, jerr := json.Marshal(names)
		if jerr != nil {
			return nil, fmt.Errorf("cannot read components: %w", jerr)
		}
		err = read(`AND c.name IN (SELECT value FROM json_each(?))`, orgID, string(list))
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read components: %w", err)
	}
	slices.SortFunc(stored, func(a, b *component.Component) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return stored, nil
}

// BOMImports returns the imports of orgID's system systemID, newest first, without inventories.
func (db *DB) BOMImports(ctx context.Context, orgID, systemID string) ([]*component.BOMImport, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, systemID); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+bomImportColumns+` FROM bom_imports WHERE org_id = ? AND system_id = ?
		ORDER BY seq DESC`, orgID, systemID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the BOMs of AI system %s: %w", systemID, err)
	}
	return collect(rows, func(sc scanner) (*component.BOMImport, error) { return scanBOMImport(sc) })
}

// BOMImportInventory returns the inventory of import seq of orgID's system systemID as JSON text (as
// json.Marshal encodes an aibom.Inventory), to be read item by item (see aibom.ScanInventory) and
// closed: what is held is the compressed inventory, a tenth of its text. ENOTFOUND when there is none.
func (db *DB) BOMImportInventory(ctx context.Context, orgID, systemID string, seq int64) (io.ReadCloser, error) {
	var inv rawText
	var gz []byte
	if err := db.reader(ctx).row(ctx, `SELECT inventory, inventory_gzip FROM bom_imports WHERE org_id = ? AND system_id = ? AND seq = ?`,
		orgID, systemID, seq).Scan(&inv, &gz); err != nil {
		return nil, notFound(err, "BOM version")
	}
	if gz == nil { // stored before migration 0016
		return io.NopCloser(bytes.NewReader(inv)), nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("cannot read the inventory of BOM version %d: %w", seq, err)
	}
	return zr, nil
}

// BOMImportBySeq returns import seq (0: the newest) of orgID's system systemID with its inventory;
// ENOTFOUND when there is none.
func (db *DB) BOMImportBySeq(ctx context.Context, orgID, systemID string, seq int64) (*component.BOMImport, error) {
	q := `SELECT ` + bomImportColumns + `, inventory, inventory_gzip FROM bom_imports WHERE org_id = ? AND system_id = ? `
	args := []any{orgID, systemID}
	if seq > 0 {
		q += `AND seq = ?`
		args = append(args, seq)
	} else {
		q += `ORDER BY seq DESC LIMIT 1`
	}
	var inv rawText
	var gz []byte
	b, err := scanBOMImport(db.reader(ctx).row(ctx, q, args...), &inv, &gz)
	if err != nil {
		return nil, notFound(err, "BOM version")
	}
	b.Inventory = &aibom.Inventory{}
	if gz == nil { // stored before migration 0016
		err = json.Unmarshal(inv, b.Inventory)
	} else {
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(bytes.NewReader(gz)); err == nil {
			err = json.NewDecoder(zr).Decode(b.Inventory)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the inventory of BOM %s: %w", b.ID, err)
	}
	return b, nil
}
