-- How each member wants e-mail in each organization: immediate (the default), a daily digest, or none.
CREATE TABLE email_prefs (
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    mode        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

-- What a member on the daily digest is still to be told.
CREATE TABLE digest_items (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    text        TEXT NOT NULL,
    path        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ
);
CREATE INDEX digest_items_unsent ON digest_items(sent_at, org_id, user_id, id);

-- The last reminder sent for a task ("due:DATE" or "overdue:DATE"), so that each is sent once.
ALTER TABLE tasks ADD COLUMN reminded TEXT NOT NULL DEFAULT '';
