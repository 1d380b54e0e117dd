-- Comments on any record of an organization: a thread (parent_id '') or a reply to one. author_role keeps
-- the role the author had when writing, so that an auditor's questions can be found later; mentions is a
-- JSON array of the members named with @. The text is Markdown, rendered and sanitized when read.
CREATE TABLE comments (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    record_type  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    parent_id    TEXT NOT NULL DEFAULT '',
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL DEFAULT '',
    author_role  TEXT NOT NULL,
    body         TEXT NOT NULL,
    mentions     TEXT NOT NULL DEFAULT '[]',
    resolved_at  DATETIME,
    resolved_by  TEXT NOT NULL DEFAULT '',
    edited_at    DATETIME,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   DATETIME NOT NULL
);
CREATE INDEX comments_record ON comments(org_id, record_type, record_id, id);
CREATE INDEX comments_thread ON comments(org_id, parent_id, id);
CREATE INDEX comments_org ON comments(org_id, id);
