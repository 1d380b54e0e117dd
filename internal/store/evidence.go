package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/record"
)

var _ evidence.Store = (*DB)(nil)

const evidenceSelect = `SELECT e.id, e.org_id, e.kind, e.title, e.description, e.url, e.body, e.collected_on, e.valid_until, e.owner_id,
	COALESCE(u.name, ''), e.source, e.status, e.sha256, e.size, e.media_type, e.filename, e.approved_by, e.approved_by_name, e.approved_at,
	e.rev, e.created_by, e.created_at, e.updated_at
	FROM evidence e LEFT JOIN users u ON u.id = e.owner_id`

func scanEvidence(s scanner) (*evidence.Evidence, error) {
	var e evidence.Evidence
	var f evidence.File
	var approvedAt sql.NullTime
	if err := s.Scan(&e.ID, &e.OrgID, &e.Kind, &e.Title, &e.Description, &e.URL, &e.Body, &e.CollectedOn, &e.ValidUntil, &e.OwnerID,
		&e.OwnerName, &e.Source, &e.Status, &f.SHA256, &f.Size, &f.MediaType, &f.Name, &e.ApprovedBy, &e.ApprovedByName, &approvedAt,
		&e.Rev, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	if f.SHA256 != "" {
		e.File = &f
	}
	if approvedAt.Valid {
		t := approvedAt.Time.UTC()
		e.ApprovedAt = &t
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return &e, nil
}

// fileColumns returns the stored file's columns of e (empty for evidence without a file).
func fileColumns(e *evidence.Evidence) (string, int64, string, string) {
	if e.File == nil {
		return "", 0, "", ""
	}
	return e.File.SHA256, e.File.Size, e.File.MediaType, e.File.Name
}

func (tx *Tx) insertEvidenceRevision(ctx context.Context, e *evidence.Evidence, change string) error {
	b, err := json.Marshal(evidence.RevisionOf(e, change, aims.ActorFrom(ctx).Name))
	if err != nil {
		return err
	}
	if _, err := tx.q().exec(ctx, `INSERT INTO evidence_revisions (evidence_id, org_id, rev, body) VALUES (?, ?, ?, ?)`,
		e.ID, e.OrgID, e.Rev, string(b)); err != nil {
		return fmt.Errorf("cannot store the evidence's revision: %w", err)
	}
	return nil
}

// CreateEvidence stores e (setting its id, rev 1 and times) with its first revision and activity entry.
func (db *DB) CreateEvidence(ctx context.Context, e *evidence.Evidence) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		e.ID, e.Rev = aims.NewID(), 1
		e.CreatedAt = db.now().UTC()
		e.UpdatedAt = e.CreatedAt
		sum, size, mt, name := fileColumns(e)
		if _, err := tx.q().exec(ctx, `INSERT INTO evidence (id, org_id, kind, title, description, url, body, collected_on, valid_until,
			owner_id, source, status, sha256, size, media_type, filename, approved_by, approved_by_name, approved_at, rev, created_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
			e.ID, e.OrgID, e.Kind, e.Title, e.Description, e.URL, e.Body, e.CollectedOn, e.ValidUntil, e.OwnerID, e.Source, e.Status,
			sum, size, mt, name, e.ApprovedBy, e.ApprovedByName, e.ApprovedAt, e.CreatedBy, e.CreatedAt, e.UpdatedAt); err != nil {
			return fmt.Errorf("cannot store the evidence: %w", err)
		}
		if err := tx.insertEvidenceRevision(ctx, e, "created"); err != nil {
			return err
		}
		return tx.record(ctx, e.OrgID, activity.ActionCreate, "evidence", e.ID, nil, e)
	})
}

// UpdateEvidence stores e as its next revision if its rev is ifRev (EPRECONDITION otherwise), with the
// revision and the activity entry (before and after).
func (db *DB) UpdateEvidence(ctx context.Context, e *evidence.Evidence, ifRev int64, change string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanEvidence(tx.q().row(ctx, evidenceSelect+` WHERE e.org_id = ? AND e.id = ?`, e.OrgID, e.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return aims.Errorf(aims.ENOTFOUND, "There is no such evidence.")
		}
		if err != nil {
			return fmt.Errorf("cannot read the evidence: %w", err)
		}
		e.Rev, e.UpdatedAt = ifRev+1, db.now().UTC()
		sum, size, mt, name := fileColumns(e)
		res, err := tx.q().exec(ctx, `UPDATE evidence SET title = ?, description = ?, url = ?, body = ?, collected_on = ?, valid_until = ?,
			owner_id = ?, source = ?, status = ?, sha256 = ?, size = ?, media_type = ?, filename = ?, approved_by = ?, approved_by_name = ?,
			approved_at = ?, rev = ?, updated_at = ? WHERE org_id = ? AND id = ? AND rev = ?`,
			e.Title, e.Description, e.URL, e.Body, e.CollectedOn, e.ValidUntil, e.OwnerID, e.Source, e.Status, sum, size, mt, name,
			e.ApprovedBy, e.ApprovedByName, e.ApprovedAt, e.Rev, e.UpdatedAt, e.OrgID, e.ID, ifRev)
		if err != nil {
			return fmt.Errorf("cannot store the evidence: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return aims.Stale("the evidence", before.Rev, ifRev)
		}
		if err := tx.insertEvidenceRevision(ctx, e, change); err != nil {
			return err
		}
		if err := tx.recount(ctx, e.OrgID, record.TypeEvidence, e.ID, evidenceCountOf(before.Status, before.ValidUntil),
			evidenceCountOf(e.Status, e.ValidUntil)); err != nil {
			return err
		}
		return tx.record(ctx, e.OrgID, activity.ActionUpdate, "evidence", e.ID, before, e)
	})
}

// DeleteEvidence deletes orgID's evidence id and its revisions, with the activity entry (the evidence as
// it was); ENOTFOUND when there is none.
func (db *DB) DeleteEvidence(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanEvidence(tx.q().row(ctx, evidenceSelect+` WHERE e.org_id = ? AND e.id = ?`, orgID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return aims.Errorf(aims.ENOTFOUND, "There is no such evidence.")
		}
		if err != nil {
			return fmt.Errorf("cannot read the evidence: %w", err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM evidence_revisions WHERE org_id = ? AND evidence_id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete the evidence's revisions: %w", err)
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM evidence WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
			return fmt.Errorf("cannot delete the evidence: %w", err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "evidence", id, before, nil)
	})
}

// EvidenceByID returns orgID's evidence id, or ENOTFOUND.
func (db *DB) EvidenceByID(ctx context.Context, orgID, id string) (*evidence.Evidence, error) {
	e, err := scanEvidence(db.reader(ctx).row(ctx, evidenceSelect+` WHERE e.org_id = ? AND e.id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Evidence")
	}
	return e, nil
}

// ListEvidence returns a page of orgID's evidence f selects, newest first. The filters on linked records
// read the links' index of the record's side.
func (db *DB) ListEvidence(ctx context.Context, orgID string, f evidence.Filter, p aims.Page) ([]*evidence.Evidence, string, error) {
	limit := pageLimit(p.Limit)
	conds, args := []string{"e.org_id = ?"}, []any{orgID}
	linked := func(t, id string) {
		conds = append(conds, `e.id IN (SELECT l.from_id FROM links l WHERE l.org_id = ? AND l.to_type = ? AND l.to_id = ?
			AND l.from_type = 'evidence' AND l.relationship = 'evidences')`)
		args = append(args, orgID, t, id)
	}
	if f.System != "" {
		linked("system", f.System)
	}
	if f.Control != "" {
		linked("control", f.Control)
	}
	if f.Owner != "" {
		conds, args = append(conds, "e.owner_id = ?"), append(args, f.Owner)
	}
	if f.Kind != "" {
		conds, args = append(conds, "e.kind = ?"), append(args, f.Kind)
	}
	if f.Status != "" {
		conds, args = append(conds, "e.status = ?"), append(args, f.Status)
	}
	if f.ExpiringBefore != "" {
		conds, args = append(conds, "e.valid_until <> '' AND e.valid_until < ?"), append(args, f.ExpiringBefore)
	}
	if f.Expired {
		conds, args = append(conds, "e.valid_until <> '' AND e.valid_until < ?"), append(args, f.Today)
	}
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		conds, args = append(conds, "e.id < ?"), append(args, c)
	}
	rows, err := db.reader(ctx).query(ctx, evidenceSelect+` WHERE `+strings.Join(conds, " AND ")+` ORDER BY e.id DESC LIMIT ?`,
		append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list evidence: %w", err)
	}
	es, err := collect(rows, scanEvidence)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read evidence: %w", err)
	}
	es, next := pageOf(es, limit, func(e *evidence.Evidence) string { return e.ID })
	return es, next, nil
}

// EvidenceRevisions returns every revision of orgID's evidence id, newest first.
func (db *DB) EvidenceRevisions(ctx context.Context, orgID, id string) ([]*evidence.Revision, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT body FROM evidence_revisions WHERE org_id = ? AND evidence_id = ? ORDER BY rev DESC`, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("cannot list the evidence's revisions: %w", err)
	}
	return collect(rows, func(s scanner) (*evidence.Revision, error) {
		var body string
		if err := s.Scan(&body); err != nil {
			return nil, err
		}
		var r evidence.Revision
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("evidence %s: a revision is not readable: %w", id, err)
		}
		return &r, nil
	})
}

// ExpiringEvidence returns, across organizations, up to limit pieces of evidence valid until on or before
// by whose owner was not told of that date yet.
func (db *DB) ExpiringEvidence(ctx context.Context, by string, limit int) ([]evidence.Expiring, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT org_id, id, title, owner_id, valid_until FROM evidence
		WHERE valid_until <> '' AND valid_until <= ? AND notified_until <> valid_until ORDER BY valid_until, id LIMIT ?`, by, limit)
	if err != nil {
		return nil, fmt.Errorf("cannot find the evidence about to lapse: %w", err)
	}
	return collect(rows, func(s scanner) (evidence.Expiring, error) {
		var x evidence.Expiring
		err := s.Scan(&x.OrgID, &x.ID, &x.Title, &x.OwnerID, &x.ValidUntil)
		return x, err
	})
}

// MarkEvidenceNotified records that the owner of orgID's evidence id was told of validUntil. It is
// bookkeeping of the daily job, not a change of the evidence, so it writes no activity entry.
func (db *DB) MarkEvidenceNotified(ctx context.Context, orgID, id, validUntil string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.q().exec(ctx, `UPDATE evidence SET notified_until = ? WHERE org_id = ? AND id = ?`, validUntil, orgID, id); err != nil {
			return fmt.Errorf("cannot mark the evidence's owner told: %w", err)
		}
		return nil
	})
}

// ApprovedSoAControls returns the number of orgID's latest approved SoA version (0: none) and the
// controls it lists, as KEY/REF.
func (db *DB) ApprovedSoAControls(ctx context.Context, orgID string) (int, map[string]bool, error) {
	var n int
	var snap string
	err := db.reader(ctx).row(ctx, `SELECT number, snapshot FROM soa_versions WHERE org_id = ? ORDER BY number DESC LIMIT 1`, orgID).Scan(&n, &snap)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("cannot read the approved SoA: %w", err)
	}
	var s struct {
		Rows []struct {
			Framework string `json:"framework"`
			Ref       string `json:"ref"`
		} `json:"controls"`
	}
	if err := json.Unmarshal([]byte(snap), &s); err != nil {
		return 0, nil, fmt.Errorf("cannot read approved SoA version %d: %w", n, err)
	}
	in := make(map[string]bool, len(s.Rows))
	for _, r := range s.Rows {
		in[r.Framework+"/"+r.Ref] = true
	}
	return n, in, nil
}
