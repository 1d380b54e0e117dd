package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/framework"
)

var _ framework.Store = (*DB)(nil)

const frameworkColumns = `f.id, f.org_id, f.key, f.revision, f.name, f.version, f.publisher, f.kind, f.description, f.source,
	f.source_hash, f.created_at, f.updated_at`

func scanFramework(s scanner, extra ...any) (*framework.Framework, error) {
	var f framework.Framework
	dest := append([]any{&f.ID, &f.OrgID, &f.Key, &f.Revision, &f.Name, &f.Version, &f.Publisher, &f.Kind, &f.Description,
		&f.Source, &f.SourceHash, &f.CreatedAt, &f.UpdatedAt}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return &f, nil
}

const requirementColumns = `r.id, r.framework_id, r.ref, r.title, r.kind, r.parent_ref, r.position, r.assessable, r.text, r.guidance,
	r.source_id, f.key`

func scanRequirement(s scanner) (*framework.Requirement, error) {
	var r framework.Requirement
	var guidance string
	if err := s.Scan(&r.ID, &r.FrameworkID, &r.Ref, &r.Title, &r.Kind, &r.ParentRef, &r.Position, &r.Assessable, &r.Text,
		&guidance, &r.SourceID, &r.FrameworkKey); err != nil {
		return nil, err
	}
	r.Guidance = framework.DecodeGuidance(guidance)
	return &r, nil
}

// builtinHashKey is where the hash of the seeded catalog is kept: the source_hash of the ISO/IEC 42001
// framework, which every catalog has.
const seedMarker = framework.ISO42001

// SeedBuiltins installs or refreshes the built-in frameworks, their requirements and the shipped mappings
// in one transaction, when the catalog's hash differs from the one recorded. Requirement ids are stable
// (framework key and ref), so organizations' records that point at them survive a refresh.
func (db *DB) SeedBuiltins(ctx context.Context, c *framework.Catalog) error {
	var hash string
	err := db.reader(ctx).row(ctx, `SELECT source_hash FROM frameworks WHERE id = ?`, seedMarker).Scan(&hash)
	if err == nil && hash == c.Hash {
		return nil
	}
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("cannot read the catalog version: %w", err)
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		now := db.now()
		for _, bf := range c.Frameworks {
			f := bf.Framework
			h := ""
			if f.ID == seedMarker {
				h = c.Hash
			}
			_, err := tx.q().exec(ctx, `INSERT INTO frameworks (id, org_id, key, revision, name, version, publisher, kind, description,
				source, source_hash, created_at, updated_at) VALUES (?, '', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, publisher = excluded.publisher,
				description = excluded.description, source = excluded.source, source_hash = excluded.source_hash,
				updated_at = excluded.updated_at`,
				f.ID, f.Key, f.Name, f.Version, f.Publisher, f.Kind, f.Description, f.Source, h, now, now)
			if err != nil {
				return fmt.Errorf("cannot seed framework %s: %w", f.Key, err)
			}
			for _, r := range bf.Requirements {
				_, err := tx.q().exec(ctx, `INSERT INTO requirements (id, framework_id, ref, title, kind, parent_ref, position,
					assessable, text, guidance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = excluded.kind, parent_ref = excluded.parent_ref,
					position = excluded.position, assessable = excluded.assessable, text = excluded.text, guidance = excluded.guidance`,
					r.ID, f.ID, r.Ref, r.Title, r.Kind, r.ParentRef, r.Position, r.Assessable, r.Text, framework.EncodeGuidance(r.Guidance))
				if err != nil {
					return fmt.Errorf("cannot seed requirement %s %s: %w", f.Key, r.Ref, err)
				}
			}
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM mappings WHERE org_id = ''`); err != nil {
			return fmt.Errorf("cannot clear shipped mappings: %w", err)
		}
		for i, m := range c.Mappings {
			_, err := tx.q().exec(ctx, `INSERT INTO mappings (id, org_id, from_id, to_id, relationship, source, rationale, created_at)
				VALUES (?, '', ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, from_id, to_id) DO NOTHING`,
				fmt.Sprintf("builtin-%04d", i+1), framework.BuiltinID(m.FromKey, m.FromRef), framework.BuiltinID(m.ToKey, m.ToRef),
				m.Relationship, m.Source, m.Rationale, now)
			if err != nil {
				return fmt.Errorf("cannot seed mapping %s -> %s: %w", m.FromRef, m.ToRef, err)
			}
		}
		return nil
	})
}

// visible is the condition that limits frameworks to the built-in ones and orgID's own.
const visible = `(f.org_id = '' OR f.org_id = ?)`

// ListFrameworks returns the built-in frameworks and orgID's own, with their requirement counts.
func (db *DB) ListFrameworks(ctx context.Context, orgID string) ([]*framework.Framework, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+frameworkColumns+`,
		(SELECT count(*) FROM requirements r WHERE r.framework_id = f.id),
		(SELECT count(*) FROM requirements r WHERE r.framework_id = f.id AND r.assessable = ?)
		FROM frameworks f WHERE `+visible+` ORDER BY f.org_id, f.name, f.revision`, true, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot list frameworks: %w", err)
	}
	defer rows.Close()
	var out []*framework.Framework
	for rows.Next() {
		var n, a int
		f, err := scanFramework(rows, &n, &a)
		if err != nil {
			return nil, fmt.Errorf("cannot read framework: %w", err)
		}
		f.Requirements, f.Assessable = n, a
		out = append(out, f)
	}
	return out, rows.Err()
}

// FrameworkByKey returns the latest revision of the framework with key visible to orgID.
func (db *DB) FrameworkByKey(ctx context.Context, orgID, key string) (*framework.Framework, error) {
	f, err := scanFramework(db.reader(ctx).row(ctx, `SELECT `+frameworkColumns+` FROM frameworks f WHERE `+visible+
		` AND f.key = ? ORDER BY f.org_id, f.revision DESC LIMIT 1`, orgID, key))
	return f, notFound(err, "Framework")
}

// FrameworkByID returns the framework with id visible to orgID.
func (db *DB) FrameworkByID(ctx context.Context, orgID, id string) (*framework.Framework, error) {
	f, err := scanFramework(db.reader(ctx).row(ctx, `SELECT `+frameworkColumns+` FROM frameworks f WHERE `+visible+` AND f.id = ?`, orgID, id))
	return f, notFound(err, "Framework")
}

func (db *DB) requirements(ctx context.Context, where string, args ...any) ([]*framework.Requirement, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+requirementColumns+` FROM requirements r JOIN frameworks f ON f.id = r.framework_id
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("cannot read requirements: %w", err)
	}
	defer rows.Close()
	var out []*framework.Requirement
	for rows.Next() {
		r, err := scanRequirement(rows)
		if err != nil {
			return nil, fmt.Errorf("cannot read requirement: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Requirements returns every requirement of a framework visible to orgID, in order.
func (db *DB) Requirements(ctx context.Context, orgID, frameworkID string) ([]*framework.Requirement, error) {
	return db.requirements(ctx, visible+` AND f.id = ? ORDER BY r.position`, orgID, frameworkID)
}

// RequirementByRef returns the requirement ref of a framework visible to orgID.
func (db *DB) RequirementByRef(ctx context.Context, orgID, frameworkID, ref string) (*framework.Requirement, error) {
	rs, err := db.requirements(ctx, visible+` AND f.id = ? AND r.ref = ?`, orgID, frameworkID, ref)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, aims.Errorf(aims.ENOTFOUND, "Requirement %q not found.", ref)
	}
	return rs[0], nil
}

// RequirementByID returns the requirement with id, if its framework is visible to orgID.
func (db *DB) RequirementByID(ctx context.Context, orgID, id string) (*framework.Requirement, error) {
	rs, err := db.requirements(ctx, visible+` AND r.id = ?`, orgID, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, aims.Errorf(aims.ENOTFOUND, "Requirement not found.")
	}
	return rs[0], nil
}

// SearchRequirements finds requirements whose ref, title, text or guidance contain every word of query
// (case-insensitive), in one framework or (frameworkID "") all visible to orgID.
func (db *DB) SearchRequirements(ctx context.Context, orgID, frameworkID, query string, limit int) ([]*framework.Requirement, error) {
	where := visible
	args := []any{orgID}
	if frameworkID != "" {
		where += ` AND f.id = ?`
		args = append(args, frameworkID)
	}
	for _, w := range strings.Fields(strings.ToLower(query)) {
		pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(w) + "%"
		where += ` AND (lower(r.ref) LIKE ? ESCAPE '\' OR lower(r.title) LIKE ? ESCAPE '\' OR lower(r.text) LIKE ? ESCAPE '\' OR lower(r.guidance) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat, pat, pat)
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	args = append(args, limit)
	return db.requirements(ctx, where+` ORDER BY f.org_id, f.key, r.position LIMIT ?`, args...)
}

// ImportFramework stores f (an organization's framework) and its requirements in one transaction,
// assigning ids; f.Revision is one more than the latest revision of the same key. A file already
// imported (same SourceHash for the same key) is ECONFLICT.
func (db *DB) ImportFramework(ctx context.Context, f *framework.Framework, reqs []*framework.Requirement) error {
	if f.OrgID == "" {
		return aims.Errorf(aims.EINVALID, "An imported framework must belong to an organization.")
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		var builtin int
		if err := tx.q().row(ctx, `SELECT count(*) FROM frameworks WHERE org_id = '' AND key = ?`, f.Key).Scan(&builtin); err != nil {
			return err
		}
		if builtin > 0 {
			return &aims.Error{Code: aims.ECONFLICT, Message: fmt.Sprintf("%q is the key of a built-in framework; import under another key.", f.Key), Field: "key"}
		}
		if f.SourceHash != "" {
			var n int
			if err := tx.q().row(ctx, `SELECT count(*) FROM frameworks WHERE org_id = ? AND key = ? AND source_hash = ?`,
				f.OrgID, f.Key, f.SourceHash).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return aims.Errorf(aims.ECONFLICT, "This file was imported already as framework %q; nothing was imported.", f.Key)
			}
		}
		if err := tx.q().row(ctx, `SELECT COALESCE(MAX(revision), 0) + 1 FROM frameworks WHERE org_id = ? AND key = ?`,
			f.OrgID, f.Key).Scan(&f.Revision); err != nil {
			return err
		}
		now := db.now()
		f.ID, f.CreatedAt, f.UpdatedAt = aims.NewID(), now, now
		_, err := tx.q().exec(ctx, `INSERT INTO frameworks (id, org_id, key, revision, name, version, publisher, kind, description,
			source, source_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.ID, f.OrgID, f.Key, f.Revision, f.Name, f.Version, f.Publisher, f.Kind, f.Description, f.Source, f.SourceHash, now, now)
		if err != nil {
			return fmt.Errorf("cannot store framework: %w", err)
		}
		stmt, err := tx.tx.PrepareContext(ctx, db.rebind(`INSERT INTO requirements (id, framework_id, ref, title, kind, parent_ref,
			position, assessable, text, guidance, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return fmt.Errorf("cannot prepare requirement insert: %w", err)
		}
		defer stmt.Close()
		for i, r := range reqs {
			r.ID, r.FrameworkID, r.FrameworkKey, r.Position = aims.NewID(), f.ID, f.Key, i+1
			if _, err := stmt.ExecContext(ctx, r.ID, f.ID, r.Ref, r.Title, r.Kind, r.ParentRef, r.Position, r.Assessable, r.Text,
				framework.EncodeGuidance(r.Guidance), r.SourceID); err != nil {
				if aims.ErrorCode(normalize(err)) == aims.ECONFLICT {
					return aims.Errorf(aims.EINVALID, "Requirement %q appears twice; nothing was imported.", r.Ref)
				}
				return fmt.Errorf("cannot store requirement %s: %w", r.Ref, err)
			}
		}
		f.Requirements = len(reqs)
		summary := struct {
			*framework.Framework
			Requirements int `json:"requirements"`
		}{f, len(reqs)}
		return tx.record(ctx, f.OrgID, activity.ActionCreate, "framework", f.ID, nil, summary)
	})
}

// DeleteFramework removes one of orgID's frameworks with its requirements, mappings and control rows.
// Built-in frameworks cannot be deleted (ENOTFOUND, as they are not the organization's).
func (db *DB) DeleteFramework(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanFramework(tx.q().row(ctx, `SELECT `+frameworkColumns+` FROM frameworks f WHERE f.org_id = ? AND f.id = ?`, orgID, id))
		if err != nil {
			return notFound(err, "Framework")
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM frameworks WHERE id = ?`, id); err != nil {
			return fmt.Errorf("cannot delete framework: %w", err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "framework", id, before, nil)
	})
}

// DeleteFrameworkKey removes every revision of orgID's framework with key, with their requirements,
// mappings, licensed texts and control rows, in one transaction, recording each revision's deletion.
// Built-in frameworks are not the organization's (ENOTFOUND).
func (db *DB) DeleteFrameworkKey(ctx context.Context, orgID, key string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		rows, err := tx.q().query(ctx, `SELECT `+frameworkColumns+` FROM frameworks f WHERE f.org_id = ? AND f.key = ?
			ORDER BY f.revision`, orgID, key)
		if err != nil {
			return fmt.Errorf("cannot read framework %s: %w", key, err)
		}
		var revisions []*framework.Framework
		for rows.Next() {
			f, err := scanFramework(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("cannot read framework %s: %w", key, err)
			}
			revisions = append(revisions, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(revisions) == 0 || orgID == "" {
			return aims.Errorf(aims.ENOTFOUND, "Framework not found.")
		}
		for _, f := range revisions {
			if _, err := tx.q().exec(ctx, `DELETE FROM frameworks WHERE id = ?`, f.ID); err != nil {
				return fmt.Errorf("cannot delete framework %s: %w", key, err)
			}
			if err := tx.record(ctx, orgID, activity.ActionDelete, "framework", f.ID, f, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

const mappingColumns = `m.id, m.org_id, m.from_id, m.to_id, m.relationship, m.source, m.rationale, m.created_at`

func scanMapping(s scanner, extra ...any) (*framework.Mapping, error) {
	var m framework.Mapping
	if err := s.Scan(append([]any{&m.ID, &m.OrgID, &m.FromID, &m.ToID, &m.Relationship, &m.Source, &m.Rationale, &m.CreatedAt}, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	m.Own = m.OrgID != ""
	m.SourceKind = framework.SourceKindOf(m.Source, m.Own)
	return &m, nil
}

// RelatedRequirements returns the requirements mapped to or from requirementID by shipped mappings and
// orgID's own, with the relationship read from requirementID's side.
func (db *DB) RelatedRequirements(ctx context.Context, orgID, requirementID string) ([]*framework.Related, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+mappingColumns+`, `+requirementColumns+`, CASE WHEN m.from_id = ? THEN 1 ELSE 0 END
		FROM mappings m
		JOIN requirements r ON r.id = CASE WHEN m.from_id = ? THEN m.to_id ELSE m.from_id END
		JOIN frameworks f ON f.id = r.framework_id
		WHERE (m.from_id = ? OR m.to_id = ?) AND (m.org_id = '' OR m.org_id = ?) AND `+visible+`
		ORDER BY f.key, r.position`, requirementID, requirementID, requirementID, requirementID, orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("cannot read mappings: %w", err)
	}
	defer rows.Close()
	var out []*framework.Related
	for rows.Next() {
		var m framework.Mapping
		var r framework.Requirement
		var guidance string
		var forward int
		if err := rows.Scan(&m.ID, &m.OrgID, &m.FromID, &m.ToID, &m.Relationship, &m.Source, &m.Rationale, &m.CreatedAt,
			&r.ID, &r.FrameworkID, &r.Ref, &r.Title, &r.Kind, &r.ParentRef, &r.Position, &r.Assessable, &r.Text, &guidance,
			&r.SourceID, &r.FrameworkKey, &forward); err != nil {
			return nil, fmt.Errorf("cannot read mapping: %w", err)
		}
		m.CreatedAt, m.Own = m.CreatedAt.UTC(), m.OrgID != ""
		m.SourceKind = framework.SourceKindOf(m.Source, m.Own)
		r.Guidance = framework.DecodeGuidance(guidance)
		rel := m.Relationship
		if forward == 0 {
			rel = framework.Inverse(rel)
		}
		mm, rr := m, r
		out = append(out, &framework.Related{Mapping: &mm, Requirement: &rr, Relationship: rel})
	}
	return out, rows.Err()
}

// MappingsBetween returns the shipped and orgID's own mappings from requirements of one framework to
// requirements of another (in either stored direction, normalised to from -> to).
func (db *DB) MappingsBetween(ctx context.Context, orgID, fromFrameworkID, toFrameworkID string) ([]*framework.Mapping, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+mappingColumns+`, a.framework_id FROM mappings m
		JOIN requirements a ON a.id = m.from_id JOIN requirements b ON b.id = m.to_id
		WHERE (m.org_id = '' OR m.org_id = ?) AND ((a.framework_id = ? AND b.framework_id = ?) OR (a.framework_id = ? AND b.framework_id = ?))
		ORDER BY m.id`, orgID, fromFrameworkID, toFrameworkID, toFrameworkID, fromFrameworkID)
	if err != nil {
		return nil, fmt.Errorf("cannot read mappings: %w", err)
	}
	defer rows.Close()
	var out []*framework.Mapping
	for rows.Next() {
		var fromFW string
		m, err := scanMapping(rows, &fromFW)
		if err != nil {
			return nil, fmt.Errorf("cannot read mapping: %w", err)
		}
		if fromFW != fromFrameworkID {
			m.FromID, m.ToID, m.Relationship = m.ToID, m.FromID, framework.Inverse(m.Relationship)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateMapping stores one of an organization's own mappings. Both requirements must be visible to it
// (ENOTFOUND otherwise); a pair it has mapped already is ECONFLICT.
func (db *DB) CreateMapping(ctx context.Context, m *framework.Mapping) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, id := range []string{m.FromID, m.ToID} {
			var n int
			if err := tx.q().row(ctx, `SELECT count(*) FROM requirements r JOIN frameworks f ON f.id = r.framework_id
				WHERE r.id = ? AND `+visible, id, m.OrgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return &aims.Error{Code: aims.ENOTFOUND, Message: "Requirement not found.", Field: map[bool]string{true: "from", false: "to"}[id == m.FromID]}
			}
		}
		m.ID, m.CreatedAt, m.Own, m.SourceKind = aims.NewID(), db.now(), true, framework.SourceByOrg
		_, err := tx.q().exec(ctx, `INSERT INTO mappings (id, org_id, from_id, to_id, relationship, source, rationale, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.OrgID, m.FromID, m.ToID, m.Relationship, m.Source, m.Rationale, m.CreatedAt)
		if aims.ErrorCode(err) == aims.ECONFLICT {
			return aims.Errorf(aims.ECONFLICT, "These two requirements are mapped already.")
		}
		if err != nil {
			return fmt.Errorf("cannot create mapping: %w", err)
		}
		return tx.record(ctx, m.OrgID, activity.ActionCreate, "mapping", m.ID, nil, m)
	})
}

// DeleteMapping removes one of orgID's own mappings; shipped mappings are not the organization's
// (ENOTFOUND).
func (db *DB) DeleteMapping(ctx context.Context, orgID, id string) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanMapping(tx.q().row(ctx, `SELECT `+mappingColumns+` FROM mappings m WHERE m.org_id = ? AND m.id = ?`, orgID, id))
		if err != nil {
			return notFound(err, "Mapping")
		}
		if _, err := tx.q().exec(ctx, `DELETE FROM mappings WHERE id = ?`, id); err != nil {
			return fmt.Errorf("cannot delete mapping: %w", err)
		}
		return tx.record(ctx, orgID, activity.ActionDelete, "mapping", id, before, nil)
	})
}

// SetLicensedTexts stores (replacing) orgID's licensed requirement texts in one transaction. Every
// requirement must be visible to orgID. The trail records how many texts were set, not the texts, which
// are licensed to the organization.
func (db *DB) SetLicensedTexts(ctx context.Context, orgID string, texts []*framework.LicensedText) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		now := db.now()
		for _, t := range texts {
			var n int
			if err := tx.q().row(ctx, `SELECT count(*) FROM requirements r JOIN frameworks f ON f.id = r.framework_id
				WHERE r.id = ? AND `+visible, t.RequirementID, orgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return aims.Errorf(aims.ENOTFOUND, "Requirement %s not found; nothing was imported.", t.RequirementID)
			}
			t.UpdatedAt = now
			if _, err := tx.q().exec(ctx, `INSERT INTO requirement_texts (org_id, requirement_id, text, source, updated_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, requirement_id) DO UPDATE SET text = excluded.text,
				source = excluded.source, updated_at = excluded.updated_at`, orgID, t.RequirementID, t.Text, t.Source, now); err != nil {
				return fmt.Errorf("cannot store licensed text: %w", err)
			}
		}
		summary := map[string]any{"licensed_texts": len(texts)}
		return tx.record(ctx, orgID, activity.ActionUpdate, "licensed_text", orgID, nil, summary)
	})
}

// LicensedText returns orgID's licensed text for a requirement, or ENOTFOUND.
func (db *DB) LicensedText(ctx context.Context, orgID, requirementID string) (*framework.LicensedText, error) {
	var t framework.LicensedText
	err := db.reader(ctx).row(ctx, `SELECT requirement_id, text, source, updated_at FROM requirement_texts WHERE org_id = ? AND requirement_id = ?`,
		orgID, requirementID).Scan(&t.RequirementID, &t.Text, &t.Source, &t.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "Licensed text")
	}
	t.UpdatedAt = t.UpdatedAt.UTC()
	return &t, nil
}
