-- The release gate's policies: the conditions each life-cycle stage requires, one row per saved version
-- (never changed). An organization with none uses aims's default.
CREATE TABLE gate_policies (
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    PRIMARY KEY (org_id, version)
);
