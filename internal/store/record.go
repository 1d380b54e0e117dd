package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/record"
)

var _ record.Store = (*DB)(nil)

const linkColumns = `id, org_id, relationship, from_type, from_id, to_type, to_id, note, created_by, created_by_id, created_at`

func scanLinkRow(s scanner) (*record.Link, error) {
	var l record.Link
	if err := s.Scan(&l.ID, &l.OrgID, &l.Relationship, &l.From.Type, &l.From.ID, &l.To.Type, &l.To.ID, &l.Note,
		&l.CreatedBy, &l.CreatedByID, &l.CreatedAt); err != nil {
		return nil, err
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return &l, nil
}

// ResolveRecords returns the end of each ref that names a record of orgID, keyed by the ref as given. It
// is the one place that knows where each record type lives: a new type adds its query here.
func (db *DB) ResolveRecords(ctx context.Context, orgID string, refs []record.Ref) (map[record.Ref]record.End, error) {
	out := make(map[record.Ref]record.End, len(refs))
	byType := map[record.Type][]string{}
	seen := make(map[record.Ref]bool, len(refs))
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			byType[r.Type] = append(byType[r.Type], r.ID)
		}
	}
	q := db.reader(ctx)
	for t, ids := range byType {
		var err error
		switch t {
		case record.TypeSystem:
			err = resolveByID(ctx, q, out, t, `SELECT id, name FROM systems WHERE org_id = ? AND id IN `, orgID, ids)
		case record.TypeComponent:
			err = resolveByID(ctx, q, out, t, `SELECT id, name || CASE WHEN component_version = '' THEN '' ELSE ' ' || component_version END
				FROM components WHERE org_id = ? AND id IN `, orgID, ids)
		case record.TypeRisk:
			var byID []string
			for _, id := range ids {
				if seq := record.RiskSeq(id); seq > 0 {
					e := record.End{Type: t}
					err = q.row(ctx, `SELECT id, 'R-' || CAST(seq AS TEXT) || ' ' || title FROM risks WHERE org_id = ? AND seq = ?`, orgID, seq).
						Scan(&e.ID, &e.Title)
					if errors.Is(err, sql.ErrNoRows) {
						err = nil
						continue
					}
					if err != nil {
						break
					}
					out[record.Ref{Type: t, ID: id}] = e
				} else {
					byID = append(byID, id)
				}
			}
			if err == nil {
				err = resolveByID(ctx, q, out, t, `SELECT id, 'R-' || CAST(seq AS TEXT) || ' ' || title FROM risks WHERE org_id = ? AND id IN `, orgID, byID)
			}
		case record.TypeImpact:
			err = resolveByID(ctx, q, out, t, `SELECT a.id, 'Impact assessment of ' || COALESCE(s.name, '') FROM impact_assessments a
				LEFT JOIN systems s ON s.id = a.system_id AND s.org_id = a.org_id WHERE a.org_id = ? AND a.id IN `, orgID, ids)
		case record.TypeEvidence:
			err = resolveByID(ctx, q, out, t, `SELECT id, title FROM evidence WHERE org_id = ? AND id IN `, orgID, ids)
		case record.TypeEvaluation:
			err = resolveByID(ctx, q, out, t, `SELECT r.id, r.tool || ' run of ' || COALESCE(s.name, '') FROM evaluation_runs r
				LEFT JOIN systems s ON s.id = r.system_id AND s.org_id = r.org_id WHERE r.org_id = ? AND r.id IN `, orgID, ids)
		case record.TypeControl:
			err = resolveControls(ctx, q, out, orgID, ids)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot find %s records: %w", t, err)
		}
	}
	return out, nil
}

// resolveByID runs query (which ends in "id IN ") over ids in chunks and records each (id, title) row.
func resolveByID(ctx context.Context, q q, out map[record.Ref]record.End, t record.Type, query, orgID string, ids []string) error {
	for len(ids) > 0 {
		n := min(len(ids), 200)
		args := []any{orgID}
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		rows, err := q.query(ctx, query+`(?`+strings.Repeat(", ?", n-1)+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			e := record.End{Type: t}
			if err := rows.Scan(&e.ID, &e.Title); err != nil {
				rows.Close()
				return err
			}
			out[e.Ref()] = e
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

// resolveControls finds each "KEY/REF" among ids in the latest revision of the framework with KEY that
// orgID sees which has REF as a clause item or control (assessable): one query per framework key.
func resolveControls(ctx context.Context, q q, out map[record.Ref]record.End, orgID string, ids []string) error {
	byKey := map[string][]any{}
	for _, id := range ids {
		key, ref, _ := strings.Cut(id, "/")
		byKey[key] = append(byKey[key], ref)
	}
	for key, refs := range byKey {
		for len(refs) > 0 {
			n := min(len(refs), 200)
			args := append([]any{orgID, key, true}, refs[:n]...)
			rows, err := q.query(ctx, `SELECT r.ref, r.title FROM requirements r JOIN frameworks f ON f.id = r.framework_id
				WHERE (f.org_id = '' OR f.org_id = ?) AND f.key = ? AND r.assessable = ? AND r.ref IN (?`+strings.Repeat(", ?", n-1)+`)
				ORDER BY f.revision DESC`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var ref, title string
				if err := rows.Scan(&ref, &title); err != nil {
					rows.Close()
					return err
				}
				e := record.End{Type: record.TypeControl, ID: key + "/" + ref, Title: ref + " " + title}
				if _, seen := out[e.Ref()]; !seen { // the first row of a ref is its latest revision
					out[e.Ref()] = e
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			refs = refs[n:]
		}
	}
	return nil
}

// CreateLink stores l, setting its id and time, with its activity entry; ECONFLICT when the same link
// exists.
func (db *DB) CreateLink(ctx context.Context, l *record.Link) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		l.ID, l.CreatedAt = aims.NewID(), db.now()
		_, err := tx.q().exec(ctx, `INSERT INTO links (`+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, l.OrgID, l.Relationship, l.From.Type, l.From.ID, l.To.Type, l.To.ID, l.Note, l.CreatedBy, l.CreatedByID, l.CreatedAt)
		if err != nil {
			return fmt.Errorf("cannot store link: %w", err)
		}
		if err := tx.countTreats(ctx, l, 1); err != nil {
			return err
		}
		if err := tx.countEvidenceLink(ctx, l, 1); err != nil {
			return err
		}
		return tx.record(ctx, l.OrgID, activity.ActionCreate, "link", l.ID, nil, l)
	})
}

// LinkByID returns orgID's link id with its ends' titles, or ENOTFOUND.
func (db *DB) LinkByID(ctx context.Context, orgID, id string) (*record.Link, error) {
	l, err := scanLinkRow(db.reader(ctx).row(ctx, `SELECT `+linkColumns+` FROM links WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Link")
	}
	if err := db.titleLinks(ctx, orgID, []*record.Link{l}); err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteLinks deletes orgID's links with ids, with an activity entry each; ids of no link are skipped.
func (db *DB) DeleteLinks(ctx context.Context, orgID string, ids []string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			before, err := scanLinkRow(tx.q().row(ctx, `SELECT `+linkColumns+` FROM links WHERE org_id = ? AND id = ?`, orgID, id))
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("cannot read link: %w", err)
			}
			if _, err := tx.q().exec(ctx, `DELETE FROM links WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
				return fmt.Errorf("cannot delete link: %w", err)
			}
			if err := tx.countTreats(ctx, before, -1); err != nil {
				return err
			}
			if err := tx.countEvidenceLink(ctx, before, -1); err != nil {
				return err
			}
			if err := tx.record(ctx, orgID, activity.ActionDelete, "link", id, before, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListLinks returns a page of orgID's links matching f, newest first, with their ends' titles. A record's
// links in both directions are read as two index-ordered scans merged, so that a page costs the same
// however many links the organization holds.
func (db *DB) ListLinks(ctx context.Context, orgID string, f record.Filter, p aims.Page) ([]*record.Link, string, error) {
	limit := pageLimit(p.Limit)
	before := "~"
	if p.Cursor != "" {
		var err error
		if before, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", err
		}
	}
	side := func(end string, r *record.Ref) (string, []any) {
		s := `SELECT ` + linkColumns + ` FROM links WHERE org_id = ? AND ` + end + `_type = ? AND ` + end + `_id = ? AND id < ?`
		args := []any{orgID, r.Type, r.ID, before}
		if f.Relationship != "" {
			s += ` AND relationship = ?`
			args = append(args, f.Relationship)
		}
		return s + ` ORDER BY id DESC LIMIT ?`, append(args, limit+1)
	}
	var query string
	var args []any
	switch {
	case f.From != nil:
		query, args = side("from", f.From)
	case f.To != nil:
		query, args = side("to", f.To)
	default:
		a, aa := side("from", f.Record)
		b, ba := side("to", f.Record)
		query = `SELECT ` + linkColumns + ` FROM (SELECT ` + linkColumns + ` FROM (` + a + `) f UNION ALL SELECT ` + linkColumns +
			` FROM (` + b + `) t) x ORDER BY id DESC LIMIT ?`
		args = append(append(aa, ba...), limit+1)
	}
	rows, err := db.reader(ctx).query(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("cannot list links: %w", err)
	}
	ls, err := collect(rows, scanLinkRow)
	if err != nil {
		return nil, "", fmt.Errorf("cannot read links: %w", err)
	}
	ls, next := pageOf(ls, limit, func(l *record.Link) string { return l.ID })
	if err := db.titleLinks(ctx, orgID, ls); err != nil {
		return nil, "", err
	}
	return ls, next, nil
}

// LinksTouching returns up to limit of orgID's links with an end among refs.
func (db *DB) LinksTouching(ctx context.Context, orgID string, refs []record.Ref, limit int) ([]*record.Link, error) {
	byType := map[record.Type][]any{}
	for _, r := range refs {
		byType[r.Type] = append(byType[r.Type], r.ID)
	}
	var out []*record.Link
	seen := map[string]bool{}
	q := db.reader(ctx)
	for t, ids := range byType {
		for _, end := range []string{"from", "to"} {
			for start := 0; start < len(ids) && len(out) < limit; start += 200 {
				chunk := ids[start:min(len(ids), start+200)]
				args := append([]any{orgID, t}, chunk...)
				rows, err := q.query(ctx, `SELECT `+linkColumns+` FROM links WHERE org_id = ? AND `+end+`_type = ? AND `+end+
					`_id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) ORDER BY id LIMIT ?`, append(args, limit)...)
				if err != nil {
					return nil, fmt.Errorf("cannot read links of deleted records: %w", err)
				}
				ls, err := collect(rows, scanLinkRow)
				if err != nil {
					return nil, fmt.Errorf("cannot read links of deleted records: %w", err)
				}
				for _, l := range ls {
					if !seen[l.ID] && len(out) < limit {
						seen[l.ID] = true
						out = append(out, l)
					}
				}
			}
		}
	}
	if err := db.titleLinks(ctx, orgID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// titleLinks fills in the titles of ls's ends.
func (db *DB) titleLinks(ctx context.Context, orgID string, ls []*record.Link) error {
	ends := make([]*record.End, 0, 2*len(ls))
	for _, l := range ls {
		ends = append(ends, &l.From, &l.To)
	}
	return db.titleEnds(ctx, orgID, ends)
}

// titleEnds fills in the title of each end from its record, in one query per record type; an end whose
// record is gone keeps its id as title and is marked missing.
func (db *DB) titleEnds(ctx context.Context, orgID string, ends []*record.End) error {
	if len(ends) == 0 {
		return nil
	}
	refs := make([]record.Ref, len(ends))
	for i, e := range ends {
		refs[i] = e.Ref()
	}
	found, err := db.ResolveRecords(ctx, orgID, refs)
	if err != nil {
		return err
	}
	for _, e := range ends {
		if f, ok := found[e.Ref()]; ok {
			*e = f
		} else {
			e.Title, e.Missing = e.ID, true
		}
	}
	return nil
}

// deleteOfRecords deletes the rows of table (comments, tasks) that belong to refs, in orgID; the activity
// trail keeps each as it was written.
func (db *DB) deleteOfRecords(ctx context.Context, table, orgID string, refs []record.Ref) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, r := range refs {
			if _, err := tx.q().exec(ctx, `DELETE FROM `+table+` WHERE org_id = ? AND record_type = ? AND record_id = ?`,
				orgID, r.Type, r.ID); err != nil {
				return fmt.Errorf("cannot delete the %s of %s: %w", table, r, err)
			}
		}
		return nil
	})
}
