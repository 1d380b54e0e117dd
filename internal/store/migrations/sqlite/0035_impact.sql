-- AI system impact assessments: one assessment per system (the record links, comments and tasks are on),
-- which keeps the version in force (approved, 0 before the first approval), its reassessment date and
-- whether a change of the system made it stale; and its versions, each a draft or approved, never
-- changed once approved. A version's content (scope, uses, affected parties, impacts, FRIA elements) is
-- JSON in body.
CREATE TABLE impact_assessments (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id     TEXT NOT NULL,
    latest        INTEGER NOT NULL,
    approved      INTEGER NOT NULL DEFAULT 0,
    reassess_key  TEXT NOT NULL DEFAULT '9999-12-31',
    stale         INTEGER NOT NULL DEFAULT 0,
    stale_reason  TEXT NOT NULL DEFAULT '',
    staled_at     DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    UNIQUE (org_id, system_id)
);
CREATE INDEX impact_assessments_due ON impact_assessments(org_id, reassess_key);
CREATE TABLE impact_versions (
    assessment_id     TEXT NOT NULL REFERENCES impact_assessments(id) ON DELETE CASCADE,
    org_id            TEXT NOT NULL,
    version           INTEGER NOT NULL,
    status            TEXT NOT NULL,
    body              TEXT NOT NULL,
    owner_id          TEXT NOT NULL DEFAULT '',
    reassess_by       TEXT NOT NULL DEFAULT '',
    approved_by       TEXT NOT NULL DEFAULT '',
    approved_by_name  TEXT NOT NULL DEFAULT '',
    approved_at       DATETIME,
    rev               INTEGER NOT NULL DEFAULT 1,
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    PRIMARY KEY (assessment_id, version)
);
