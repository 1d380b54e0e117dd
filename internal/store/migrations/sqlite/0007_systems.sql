-- The AI system inventory (ISO/IEC 42001, A.4 and A.9.4) and the history of each system's changes with
-- who made them and why (6.3). Lists filter by organization and then stage, status, owner or role, and
-- sort by name or by last change, so each has an index led by the organization.
CREATE TABLE systems (
    id                     TEXT PRIMARY KEY,
    org_id                 TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name                   TEXT NOT NULL,
    purpose                TEXT NOT NULL DEFAULT '',
    intended_use           TEXT NOT NULL DEFAULT '',
    foreseeable_misuse     TEXT NOT NULL DEFAULT '',
    ai_role                TEXT NOT NULL DEFAULT '',
    eu_role                TEXT NOT NULL DEFAULT '',
    stage                  TEXT NOT NULL,
    status                 TEXT NOT NULL,
    owner_id               TEXT NOT NULL DEFAULT '',
    team                   TEXT NOT NULL DEFAULT '',
    environments           TEXT NOT NULL DEFAULT '[]',
    markets                TEXT NOT NULL DEFAULT '[]',
    users_text             TEXT NOT NULL DEFAULT '',
    affected_people        TEXT NOT NULL DEFAULT '',
    automation             TEXT NOT NULL DEFAULT '',
    human_oversight        TEXT NOT NULL DEFAULT '',
    personal_data          INTEGER NOT NULL DEFAULT 0,
    special_category_data  INTEGER NOT NULL DEFAULT 0,
    data_notes             TEXT NOT NULL DEFAULT '',
    interacts_with_people  INTEGER NOT NULL DEFAULT 0,
    generates_content      INTEGER NOT NULL DEFAULT 0,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             DATETIME NOT NULL,
    updated_at             DATETIME NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX systems_updated ON systems(org_id, updated_at, id);
CREATE INDEX systems_stage ON systems(org_id, stage, name);
CREATE INDEX systems_status ON systems(org_id, status, name);
CREATE INDEX systems_owner ON systems(org_id, owner_id, name);
CREATE INDEX systems_role ON systems(org_id, ai_role, name);

CREATE TABLE system_changes (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id    TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    at           DATETIME NOT NULL,
    reason       TEXT NOT NULL,
    before_json  TEXT NOT NULL DEFAULT '',
    after_json   TEXT NOT NULL,
    UNIQUE (system_id, version)
);
