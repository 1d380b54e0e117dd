-- Tasks on any record: who owns what, by when. due_key is the due date, or 9999-12-31 for none, so that
-- one ascending index range lists a person's active tasks overdue first and undated last; active is 1 for
-- open and in-progress tasks.
CREATE TABLE tasks (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    record_type    TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    title          TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    due            TEXT NOT NULL DEFAULT '',
    due_key        TEXT NOT NULL,
    status         TEXT NOT NULL,
    active         INTEGER NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    completed_at   TIMESTAMPTZ
);
CREATE INDEX tasks_owner ON tasks(org_id, owner_id, active, due_key, id);
CREATE INDEX tasks_record ON tasks(org_id, record_type, record_id, due_key, id);
CREATE INDEX tasks_org ON tasks(org_id, active, due_key, id);
