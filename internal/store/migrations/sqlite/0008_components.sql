-- The components of AI systems (ISO/IEC 42001, A.4.2 to A.4.6, A.7): models, data sets, tools, computing
-- resources, people and services, each kept once per organization and linked to every system that uses
-- it. details holds the kind's own fields as a JSON object (for a data set: its source, acquisition,
-- provenance, quality measures and preparation, A.7.3 to A.7.6).
CREATE TABLE components (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,
    name               TEXT NOT NULL,
    component_version  TEXT NOT NULL DEFAULT '',
    supplier           TEXT NOT NULL DEFAULT '',
    licence            TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    bom_ref            TEXT NOT NULL DEFAULT '',
    details            TEXT NOT NULL DEFAULT '{}',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    UNIQUE (org_id, kind, name, component_version)
);
CREATE INDEX components_name ON components(org_id, name, id);

CREATE TABLE system_components (
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id     TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    component_id  TEXT NOT NULL REFERENCES components(id) ON DELETE CASCADE,
    role          TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    PRIMARY KEY (system_id, component_id)
);
CREATE INDEX system_components_org ON system_components(org_id, system_id);
CREATE INDEX system_components_component ON system_components(org_id, component_id);
