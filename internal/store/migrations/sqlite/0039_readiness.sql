-- The readiness trend: an organization's figures of each day, written when readiness is computed (the
-- home page, the API, the daily job), so that the trend runs from the first day.
CREATE TABLE readiness_days (
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    items        INTEGER NOT NULL,
    ready        INTEGER NOT NULL,
    implemented  INTEGER NOT NULL,
    evidenced    INTEGER NOT NULL,
    PRIMARY KEY (org_id, day)
);
