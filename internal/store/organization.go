package store

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
)

var _ account.Store = (*DB)(nil)

const orgColumns = `id, slug, name, require_totp, version, created_at, updated_at`

// orgReadColumns are orgColumns as read: on SQLite the times as their stored text, which scanOrg parses in
// one step (see textTime). An organization is read on every API request that answers with it.
func (db *DB) orgReadColumns() string {
	if db.dialect == SQLite {
		return `id, slug, name, require_totp, version, CAST(created_at AS TEXT), CAST(updated_at AS TEXT)`
	}
	return orgColumns
}

type scanner interface{ Scan(dest ...any) error }

func scanOrg(s scanner) (*account.Organization, error) {
	var o account.Organization
	if err := s.Scan(&o.ID, &o.Slug, &o.Name, &o.RequireTOTP, &o.Version, textTime{&o.CreatedAt}, textTime{&o.UpdatedAt}); err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return &o, nil
}

// CreateOrganization inserts o, setting its id, version and times. A taken slug is ECONFLICT.
func (db *DB) CreateOrganization(ctx context.Context, o *account.Organization) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		o.ID, o.Version = aims.NewID(), 1
		now := db.now()
		o.CreatedAt, o.UpdatedAt = now, now
		_, err := tx.q().exec(ctx, `INSERT INTO organizations (`+orgColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Slug, o.Name, o.RequireTOTP, o.Version, o.CreatedAt, o.UpdatedAt)
		if err != nil {
			if aims.ErrorCode(err) == aims.ECONFLICT {
				return &aims.Error{Code: aims.ECONFLICT, Message: fmt.Sprintf("An organization with the slug %q exists already.", o.Slug), Field: "slug"}
			}
			return fmt.Errorf("cannot create organization: %w", err)
		}
		return tx.record(ctx, o.ID, activity.ActionCreate, "organization", o.ID, nil, o)
	})
}

// UpdateOrganization saves o's name and settings if its stored version is ifVersion (0: any), bumping the
// version. A different version is EPRECONDITION.
func (db *DB) UpdateOrganization(ctx context.Context, o *account.Organization, ifVersion int64) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		before, err := scanOrg(tx.q().row(ctx, `SELECT `+tx.db.orgReadColumns()+` FROM organizations WHERE id = ?`, o.ID))
		if err != nil {
			return notFound(err, "Organization")
		}
		if ifVersion != 0 && before.Version != ifVersion {
			return aims.Stale("the organization", before.Version, ifVersion)
		}
		o.Slug, o.CreatedAt = before.Slug, before.CreatedAt
		o.Version, o.UpdatedAt = before.Version+1, db.now()
		if _, err := tx.q().exec(ctx, `UPDATE organizations SET name = ?, require_totp = ?, version = ?, updated_at = ? WHERE id = ?`,
			o.Name, o.RequireTOTP, o.Version, o.UpdatedAt, o.ID); err != nil {
			return fmt.Errorf("cannot update organization: %w", err)
		}
		return tx.record(ctx, o.ID, activity.ActionUpdate, "organization", o.ID, before, o)
	})
}

// OrganizationByID returns the organization with id, or ENOTFOUND.
func (db *DB) OrganizationByID(ctx context.Context, id string) (*account.Organization, error) {
	o, err := scanOrg(db.reader(ctx).row(ctx, `SELECT `+db.orgReadColumns()+` FROM organizations WHERE id = ?`, id))
	return o, notFound(err, "Organization")
}

// OrganizationBySlug returns the organization with slug, or ENOTFOUND.
func (db *DB) OrganizationBySlug(ctx context.Context, slug string) (*account.Organization, error) {
	o, err := scanOrg(db.reader(ctx).row(ctx, `SELECT `+db.orgReadColumns()+` FROM organizations WHERE slug = ?`, slug))
	return o, notFound(err, "Organization")
}

// ListOrganizations returns every organization by slug; for operators' commands, not for tenants.
func (db *DB) ListOrganizations(ctx context.Context) ([]*account.Organization, error) {
	rows, err := db.reader(ctx).query(ctx, `SELECT `+db.orgReadColumns()+` FROM organizations ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("cannot list organizations: %w", err)
	}
	orgs, err := collect(rows, scanOrg)
	if err != nil {
		return nil, fmt.Errorf("cannot read organizations: %w", err)
	}
	return orgs, nil
}
