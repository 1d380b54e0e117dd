-- Invitations replace adding an existing user directly: an administrator invites an email address, the
-- invitee accepts the link after logging in or creating an account. Only the hash of the link's secret is
-- stored, like API tokens. accepted_at and revoked_at end an invitation; expires_at bounds it.
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    invited_by   TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    revoked_at   DATETIME,
    accepted_at  DATETIME,
    accepted_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invitations_org ON invitations(org_id, id);

-- The organization a user last worked in, where the next login lands.
ALTER TABLE users ADD COLUMN last_org_id TEXT NOT NULL DEFAULT '';
