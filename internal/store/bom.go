package store

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/system"
	"github.com/aimsproject/aims/internal/system/aibom"
)

var _ system.BOMStore = (*DB)(nil)

const bomImportColumns = `id, org_id, system_id, seq, spec_version, serial_number, bom_version, filename, sha256, components,
	imported_by, imported_by_name, imported_at`

func scanBOMImport(sc scanner, dest ...any) (*system.BOMImport, error) {
	var b system.BOMImport
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

// SaveBOMImport stores imp and comps as one import that becomes visible whole or not at all; see
// system.BOMStore.
//
// A BOM may hold tens of thousands of components, and on SQLite every write waits for the one writer
// connection: written in one transaction, an import of 20 MB held it for seconds while other
// organizations' writes waited. So an import is written in short transactions (batches sized to hold the
// writer for about importBatchTime each, see importBatches) that other writes run between, and is kept
// invisible until its last one:
//
//  1. It is registered in bom_pending (one import at a time per organization, ECONFLICT otherwise).
//     Every read of components and links leaves out the rows whose import_id is a pending import's.
//  2. The organization's components that may match (all of them when they are few, else those of the
//     BOM's names: both ways of matching need the same name) are read in one statement, outside any
//     transaction, and matched in memory in the BOM's order.
//  3. The components to create and the links to add are written with the import's id in import_id, in
//     batches: with COPY on PostgreSQL; on SQLite with multi-row statements of bomBatch rows, each
//     prepared once for the batch, and the links through json_each. Each batch renews the import's lease
//     and fails if the import is no longer pending.
//  4. Once the BOM is found valid, one transaction changes the components to update (each only if still
//     at the version read in 2, else ECONFLICT), stores the version with its inventory (compressed),
//     writes the one activity entry whose counts summarize the import, and deletes the bom_pending row:
//     everything appears at once. (A component deleted meanwhile took its new link along: the import
//     then looks as if it came just before the deletion.)
//
// When any step fails, the rows written are deleted, in batches, before the bom_pending row (so they
// stay invisible meanwhile). An import whose process died leaves its rows invisible; they are deleted by
// the next import into the organization once its lease (importLease) has run out, or by DropStaleImports
// at start-up. Updating components is the one part whose work grows with the BOM inside the last
// transaction: a first import creates its components, and importing a BOM again updates only those that
// changed.
//
// Measured with BenchmarkImportBOM20MB (62,000 components, 2 cores, the schema validation running
// alongside): about 1.55 s on SQLite and 1.9 s on PostgreSQL in one transaction; for the batched import
// and the latency of other organizations' writes meanwhile, see BenchmarkImportBOMOtherOrgWrites.
func (db *DB) SaveBOMImport(ctx context.Context, imp *system.BOMImport, comps []*system.Component, role string, ready func() error) error {
	// The inventory is encoded and compressed while the components are written: both take a while for a
	// large BOM, and the database works on another core (SQLite's work is this goroutine's).
	type encoded struct {
		gz  []byte
		err error
	}
	inv, done := make(chan encoded, 1), make(chan struct{})
	defer close(done)
	go func() {
		// Not before ready has its answer: what it waits for (the schema validation) would otherwise
		// share the cores with this and the database. Nor when the import has failed meanwhile.
		if ready() != nil {
			return
		}
		select {
		case <-done:
			return
		default:
		}
		b, err := inventoryGzip(imp.Inventory)
		inv <- encoded{b, err}
	}()
	if _, err := systemByID(ctx, db.reader(ctx), imp.OrgID, imp.SystemID); err != nil {
		return err
	}
	id, err := db.beginImport(ctx, imp.OrgID, imp.SystemID)
	if err != nil {
		return err
	}
	err = db.writeImport(ctx, id, imp, comps, role, func() ([]byte, error) {
		if err := db.awaitRenewing(ctx, id, ready); err != nil {
			return nil, err
		}
		enc := <-inv
		return enc.gz, enc.err
	})
	if err != nil {
		// Were the rows not deleted now (the database gone), the import's lease runs out and the next
		// import or start-up deletes them; they stay invisible until then.
		_ = db.dropImport(context.WithoutCancel(ctx), id)
		return err
	}
	return nil
}

// writeImport does steps 2 to 4 of SaveBOMImport for the pending import id. inventory blocks until the
// BOM is known valid and returns its compressed inventory, or the error that aborts the import.
func (db *DB) writeImport(ctx context.Context, id string, imp *system.BOMImport, comps []*system.Component, role string,
	inventory func() ([]byte, error)) error {
	m, err := db.bomCandidates(ctx, db.reader(ctx), imp.OrgID, comps)
	if err != nil {
		return err
	}
	linked := make(map[string]bool, len(comps))
	// The system is the organization's (checked by the caller): its links are read by the primary key alone.
	rows, err := db.reader(ctx).query(ctx, `SELECT component_id FROM system_components WHERE system_id = ?
		AND import_id NOT IN `+pendingImports, imp.SystemID)
	if err != nil {
		return fmt.Errorf("cannot read the links of AI system %s: %w", imp.SystemID, err)
	}
	ids, err := collect(rows, scanValue[string])
	if err != nil {
		return fmt.Errorf("cannot read the links of AI system %s: %w", imp.SystemID, err)
	}
	for _, id := range ids {
		linked[id] = true
	}
	stats := &system.BOMStats{}
	now := db.now()
	var created, updated []*system.Component
	isNew, dirty := make(map[string]bool, len(comps)), map[string]bool{}
	stored := map[string]storedComponent{} // as read, the components changed
	var links []*system.Component
	for _, c := range comps {
		c.OrgID = imp.OrgID
		if old := m.Match(c); old != nil {
			if _, ok := stored[old.ID]; !ok && !isNew[old.ID] {
				stored[old.ID] = storedComponent{supplier: old.Supplier, version: old.Version}
			}
			changed, err := system.MergeFromBOM(old, c, now)
			if err != nil {
				return err
			}
			if changed {
				stats.Updated++
				if !isNew[old.ID] && !dirty[old.ID] {
					dirty[old.ID] = true
					updated = append(updated, old)
				}
			} else {
				stats.Unchanged++
			}
			*c = *old
		} else {
			c.ID, c.Version = aims.NewID(), 1
			c.CreatedAt, c.UpdatedAt = now.UTC(), now.UTC()
			created = append(created, c)
			isNew[c.ID] = true
			stats.Created++
			m.Add(c)
		}
		if !linked[c.ID] {
			linked[c.ID] = true
			links = append(links, c)
			stats.Linked++
		}
	}
	step := 0
	if err := db.importBatches(ctx, id, &step, len(created), func(tx *Tx, lo, hi int) error {
		return tx.insertComponents(ctx, id, created[lo:hi])
	}); err != nil {
		return err
	}
	if err := db.importBatches(ctx, id, &step, len(links), func(tx *Tx, lo, hi int) error {
		return tx.insertLinks(ctx, id, imp.OrgID, imp.SystemID, role, links[lo:hi], now)
	}); err != nil {
		return err
	}
	gz, err := inventory()
	if err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := systemByID(ctx, tx.q(), imp.OrgID, imp.SystemID); err != nil {
			return err
		}
		if err := tx.updateComponents(ctx, imp.OrgID, updated, stored, now); err != nil {
			return err
		}
		var last int64
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(seq), 0) FROM bom_imports WHERE org_id = ? AND system_id = ?`,
			imp.OrgID, imp.SystemID).Scan(&last); err != nil {
			return fmt.Errorf("cannot number the BOM import: %w", err)
		}
		a := aims.ActorFrom(ctx)
		imp.ID, imp.Seq, imp.ImportedAt, imp.Stats = id, last+1, now.UTC(), stats
		imp.ImportedBy, imp.ImportedByName = a.UserID, a.Name
		if imp.ImportedBy == "" {
			imp.ImportedBy = a.ID
		}
		if _, err := tx.q().exec(ctx, `INSERT INTO bom_imports (id, org_id, system_id, seq, spec_version, serial_number,
			bom_version, filename, sha256, components, inventory, inventory_gzip, imported_by, imported_by_name, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)`,
			imp.ID, imp.OrgID, imp.SystemID, imp.Seq, imp.SpecVersion, imp.SerialNumber, imp.BOMVersion, imp.Filename,
			imp.SHA256, imp.Components, gz, imp.ImportedBy, imp.ImportedByName, now); err != nil {
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

// inventoryGzip returns inv encoded as json.Marshal encodes it (see writeInventory), gzip-compressed at
// the fastest level: the inventory of a 20 MB BOM is about 15 MB of JSON, which compresses to a tenth in
// a tenth of a second, while storing it uncompressed took PostgreSQL half a second (its own compression
// included) and made SQLite write every byte twice (log and checkpoint).
func inventoryGzip(inv *aibom.Inventory) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(zw, 64<<10)
	if err := writeInventory(bw, inv); err != nil { // flushes bw
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeInventory writes inv to w as json.Marshal encodes it, one component at a time, so that the text
// of a large inventory is never held whole.
func writeInventory(w *bufio.Writer, inv *aibom.Inventory) error {
	if inv == nil {
		w.WriteString("null")
		return w.Flush()
	}
	meta, err := json.Marshal(&inv.Metadata)
	if err != nil {
		return err
	}
	w.WriteString(`{"metadata":`)
	w.Write(meta)
	if len(inv.Components) > 0 {
		w.WriteString(`,"components":[`)
		for i := range inv.Components {
			c, err := json.Marshal(&inv.Components[i])
			if err != nil {
				return err
			}
			if i > 0 {
				w.WriteByte(',')
			}
			w.Write(c)
		}
		w.WriteByte(']')
	}
	if len(inv.Dependencies) > 0 {
		w.WriteString(`,"dependencies":[`)
		for i := range inv.Dependencies {
			d, err := json.Marshal(&inv.Dependencies[i])
			if err != nil {
				return err
			}
			if i > 0 {
				w.WriteByte(',')
			}
			w.Write(d)
		}
		w.WriteByte(']')
	}
	w.WriteByte('}')
	return w.Flush() // the bufio.Writer keeps its first error: this returns it
}

// bomCandidates reads the components of orgID that comps may match, in the order they were created
// (so that of two with the same bom-ref the newer wins, as when all were read), into a matcher.
func (db *DB) bomCandidates(ctx context.Context, q q, orgID string, comps []*system.Component) (*system.BOMMatcher, error) {
	m := system.NewBOMMatcher(len(comps))
	seen := map[string]bool{}
	var names []string
	for _, c := range comps {
		if !seen[c.Name] {
			seen[c.Name] = true
			names = append(names, c.Name)
		}
	}
	var stored []*system.Component
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
	slices.SortFunc(stored, func(a, b *system.Component) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	for _, c := range stored {
		m.Add(c)
	}
	return m, nil
}

// BOMImports returns the imports of orgID's system systemID, newest first, without inventories.
func (db *DB) BOMImports(ctx context.Context, orgID, systemID string) ([]*system.BOMImport, error) {
	if _, err := systemByID(ctx, db.reader(ctx), orgID, systemID); err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).query(ctx, `SELECT `+bomImportColumns+` FROM bom_imports WHERE org_id = ? AND system_id = ?
		ORDER BY seq DESC`, orgID, systemID)
	if err != nil {
		return nil, fmt.Errorf("cannot list the BOMs of AI system %s: %w", systemID, err)
	}
	return collect(rows, func(sc scanner) (*system.BOMImport, error) { return scanBOMImport(sc) })
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
func (db *DB) BOMImportBySeq(ctx context.Context, orgID, systemID string, seq int64) (*system.BOMImport, error) {
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
