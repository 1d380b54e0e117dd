-- AI risk criteria, one row per saved version (never changed), and the risk register. A risk keeps its
-- ratings (likelihood, the consequence of each axis as JSON, the level), the worst consequence of each
-- rating for the heat map, and level_rank (the rank of its current level, -1 when not rated) and
-- review_key (its review date, or 9999-12-31 for none) so that the register's orders are index ranges.
CREATE TABLE risk_criteria (
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    PRIMARY KEY (org_id, version)
);
CREATE TABLE risks (
    id                     TEXT PRIMARY KEY,
    org_id                 TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    seq                    INTEGER NOT NULL,
    title                  TEXT NOT NULL,
    description            TEXT NOT NULL DEFAULT '',
    system_id              TEXT NOT NULL DEFAULT '',
    source                 TEXT NOT NULL,
    objective              TEXT NOT NULL DEFAULT '',
    genai_risk             TEXT NOT NULL DEFAULT '',
    owner_id               TEXT NOT NULL DEFAULT '',
    inherent_likelihood    INTEGER NOT NULL DEFAULT 0,
    inherent_consequences  TEXT NOT NULL DEFAULT '{}',
    inherent_worst         INTEGER NOT NULL DEFAULT 0,
    inherent_level         TEXT NOT NULL DEFAULT '',
    existing_controls      TEXT NOT NULL DEFAULT '',
    residual_likelihood    INTEGER NOT NULL DEFAULT 0,
    residual_consequences  TEXT NOT NULL DEFAULT '{}',
    residual_worst         INTEGER NOT NULL DEFAULT 0,
    residual_level         TEXT NOT NULL DEFAULT '',
    treatment_option       TEXT NOT NULL DEFAULT '',
    treatment_plan         TEXT NOT NULL DEFAULT '',
    level                  TEXT NOT NULL DEFAULT '',
    level_rank             INTEGER NOT NULL DEFAULT -1,
    status                 TEXT NOT NULL,
    review_due             TEXT NOT NULL DEFAULT '',
    review_key             TEXT NOT NULL,
    criteria_version       INTEGER NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1,
    created_by             TEXT NOT NULL DEFAULT '',
    created_at             DATETIME NOT NULL,
    updated_at             DATETIME NOT NULL,
    UNIQUE (org_id, seq)
);
-- The register's orders, highest level first then by number, are ranges of these indexes; a heat map
-- filtered by more than the system counts from the cells indexes alone.
CREATE INDEX risks_level ON risks(org_id, level_rank DESC, seq);
CREATE INDEX risks_system ON risks(org_id, system_id, level_rank DESC, seq);
CREATE INDEX risks_owner ON risks(org_id, owner_id, level_rank DESC, seq);
CREATE INDEX risks_review ON risks(org_id, review_key, seq);
CREATE INDEX risks_inherent_cells ON risks(org_id, inherent_likelihood, inherent_worst, status, system_id, source, owner_id, level, review_key);
CREATE INDEX risks_residual_cells ON risks(org_id, residual_likelihood, residual_worst, status, system_id, source, owner_id, level, review_key);
-- How many risks each cell of the heat maps holds, by system (empty: organization-wide), rating
-- (i: inherent, r: residual) and whether closed: kept by the store with every change of a risk, so that
-- a heat map of the whole register or of one system reads a few rows, however many risks there are.
CREATE TABLE risk_cells (
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id   TEXT NOT NULL,
    rating      TEXT NOT NULL,
    likelihood  INTEGER NOT NULL,
    worst       INTEGER NOT NULL,
    closed      INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (org_id, rating, closed, system_id, likelihood, worst)
);
