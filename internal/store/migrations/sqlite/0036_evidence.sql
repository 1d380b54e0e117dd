-- Evidence: files (kept in the blob store by sha256), links and records, each as its latest revision, with
-- when it was collected, until when it holds, its owner, source and review status. notified_until is the
-- valid-until date whose owner was given the task to renew it (once per date). Each revision is kept whole
-- as JSON in evidence_revisions.
CREATE TABLE evidence (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    url               TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL DEFAULT '',
    collected_on      TEXT NOT NULL,
    valid_until       TEXT NOT NULL DEFAULT '',
    owner_id          TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    sha256            TEXT NOT NULL DEFAULT '',
    size              INTEGER NOT NULL DEFAULT 0,
    media_type        TEXT NOT NULL DEFAULT '',
    filename          TEXT NOT NULL DEFAULT '',
    approved_by       TEXT NOT NULL DEFAULT '',
    approved_by_name  TEXT NOT NULL DEFAULT '',
    approved_at       DATETIME,
    notified_until    TEXT NOT NULL DEFAULT '',
    rev               INTEGER NOT NULL DEFAULT 1,
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
CREATE INDEX evidence_org ON evidence(org_id, id);
CREATE INDEX evidence_owner ON evidence(org_id, owner_id, id);
CREATE INDEX evidence_valid_until ON evidence(valid_until) WHERE valid_until <> '';
CREATE TABLE evidence_revisions (
    evidence_id  TEXT NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL,
    rev          INTEGER NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (evidence_id, rev)
);
