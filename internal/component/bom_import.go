package component

import (
	"context"
	"fmt"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/aibom"
)

// BOMUpdate is a stored component that an import changes: as it becomes, and its version and supplier as
// they were read (the update holds only if the component is still at that version).
type BOMUpdate struct {
	Component    *Component
	ReadVersion  int64
	ReadSupplier string
}

// bomLeaseRenewal is how often an import that waits for its schema validation renews its lease: well
// within the store's lease of a minute.
const bomLeaseRenewal = 15 * time.Second

// saveBOMImport stores imp and comps as one import that becomes visible whole or not at all. ready says
// whether the import may be completed, blocking until it knows (the schema validation runs meanwhile);
// its error aborts the import and is returned as it is. The steps:
//
//  1. The import is registered as pending (BeginBOMImport: one at a time per organization). Its rows
//     carry its id and every read leaves them out until step 4.
//  2. The organization's components that may match are read (BOMCandidates), outside any transaction,
//     and matched in memory in the BOM's order by the rules of BOMMatcher and MergeFromBOM.
//  3. The components to create and the links to add are written in short transactions (the store sizes
//     the batches), so that other organizations' writes run between them on SQLite's single writer.
//  4. Once the BOM is found valid, one transaction changes the components to update (each only if still
//     at the version read in 2, else ECONFLICT), stores the version with its compressed inventory and
//     the one activity entry whose counts summarize the import, and makes the import visible: everything
//     appears at once. (A component deleted meanwhile took its new link along: the import then looks as
//     if it came just before the deletion.)
//
// When any step fails, the import is dropped: its rows are deleted before it stops being pending, so they
// stay invisible meanwhile. An import whose process died leaves its rows invisible; they are deleted by
// the next import into the organization once its lease has run out, or by the store's DropStaleImports at
// start-up. Updating components is the one part whose work grows with the BOM inside the last
// transaction: a first import creates its components, and importing a BOM again updates only those that
// changed.
func (s *Service) saveBOMImport(ctx context.Context, imp *BOMImport, comps []*Component, ready func() error) error {
	// The inventory is encoded and compressed while the components are written: both take a while for a
	// large BOM, and the database works on another core (SQLite's work is this goroutine's). Not before
	// ready has its answer: what it waits for (the schema validation) would otherwise share the cores
	// with this and the database. Nor when the import has failed meanwhile.
	type encoded struct {
		gz  []byte
		err error
	}
	inv, done := make(chan encoded, 1), make(chan struct{})
	defer close(done)
	go func() {
		if ready() != nil {
			return
		}
		select {
		case <-done:
			return
		default:
		}
		b, err := aibom.GzipJSON(imp.Inventory)
		inv <- encoded{b, err}
	}()
	id, err := s.store.BeginBOMImport(ctx, imp.OrgID, imp.SystemID)
	if err != nil {
		return err
	}
	err = s.writeBOMImport(ctx, id, imp, comps, func() ([]byte, error) {
		if err := s.awaitRenewing(ctx, id, ready); err != nil {
			return nil, err
		}
		enc := <-inv
		return enc.gz, enc.err
	})
	if err != nil {
		// Were the rows not deleted now (the database gone), the import's lease runs out and the next
		// import or start-up deletes them; they stay invisible until then.
		_ = s.store.DropBOMImport(context.WithoutCancel(ctx), id)
		return err
	}
	return nil
}

// writeBOMImport does steps 2 to 4 of saveBOMImport for the pending import id. inventory blocks until the
// BOM is known valid and returns its compressed inventory, or the error that aborts the import.
func (s *Service) writeBOMImport(ctx context.Context, id string, imp *BOMImport, comps []*Component,
	inventory func() ([]byte, error)) error {
	seen := map[string]bool{}
	var names []string
	for _, c := range comps {
		if !seen[c.Name] {
			seen[c.Name] = true
			names = append(names, c.Name)
		}
	}
	candidates, err := s.store.BOMCandidates(ctx, imp.OrgID, names)
	if err != nil {
		return err
	}
	m := NewBOMMatcher(len(comps))
	for _, c := range candidates {
		m.Add(c)
	}
	ids, err := s.store.BOMLinkedComponents(ctx, imp.OrgID, imp.SystemID)
	if err != nil {
		return err
	}
	linked := make(map[string]bool, len(comps))
	for _, id := range ids {
		linked[id] = true
	}
	stats := &BOMStats{}
	now := aims.Now().UTC()
	var created, links []*Component
	var updated []*Component
	isNew, dirty := make(map[string]bool, len(comps)), map[string]bool{}
	read := map[string]BOMUpdate{} // the version and supplier read of the components matched
	for _, c := range comps {
		c.OrgID = imp.OrgID
		if old := m.Match(c); old != nil {
			if _, ok := read[old.ID]; !ok && !isNew[old.ID] {
				read[old.ID] = BOMUpdate{ReadVersion: old.Version, ReadSupplier: old.Supplier}
			}
			changed, err := MergeFromBOM(old, c, now)
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
			c.CreatedAt, c.UpdatedAt = now, now
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
	updates := make([]BOMUpdate, len(updated))
	for i, c := range updated {
		updates[i] = read[c.ID]
		updates[i].Component = c
	}
	if err := s.store.WriteBOMComponents(ctx, id, created); err != nil {
		return err
	}
	if err := s.store.WriteBOMLinks(ctx, id, imp.OrgID, imp.SystemID, BOMRole, links, now); err != nil {
		return err
	}
	gz, err := inventory()
	if err != nil {
		return err
	}
	return s.store.Atomically(ctx, func(ctx context.Context) error {
		if _, err := s.store.SystemByID(ctx, imp.OrgID, imp.SystemID); err != nil {
			return err
		}
		if err := s.store.UpdateBOMComponents(ctx, imp.OrgID, updates, now); err != nil {
			return err
		}
		imp.Stats = stats
		if err := s.store.CompleteBOMImport(ctx, id, imp, gz); err != nil {
			return err
		}
		if stats.Linked > 0 && s.Watch != nil {
			return s.Watch.SystemChanged(ctx, imp.OrgID, imp.SystemID,
				fmt.Sprintf("An imported BOM linked %d components to the AI system.", stats.Linked))
		}
		return nil
	})
}

// awaitRenewing returns ready's answer, renewing the lease of pending import id while it waits: the
// schema validation of a large BOM may outlast the writing, and on a busy machine the lease.
func (s *Service) awaitRenewing(ctx context.Context, id string, ready func() error) error {
	answer := make(chan error, 1)
	go func() { answer <- ready() }()
	t := time.NewTicker(bomLeaseRenewal)
	defer t.Stop()
	for {
		select {
		case err := <-answer:
			return err
		case <-t.C:
			if err := s.store.RenewBOMImport(ctx, id); err != nil {
				return err
			}
		}
	}
}
