-- CycloneDX ML-BOMs imported for AI systems (ISO/IEC 42001, A.4.2 to A.4.6): each import is a numbered
-- version per system (seq) that keeps the document's identity (spec version, serial number, BOM version,
-- file name, sha256) and the parsed neutral inventory as JSON, so versions can be listed, shown, compared
-- and used to enrich an export.
CREATE TABLE bom_imports (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id      TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    spec_version   TEXT NOT NULL DEFAULT '',
    serial_number  TEXT NOT NULL DEFAULT '',
    bom_version    INTEGER NOT NULL DEFAULT 0,
    filename       TEXT NOT NULL DEFAULT '',
    sha256         TEXT NOT NULL,
    components     INTEGER NOT NULL DEFAULT 0,
    inventory      TEXT NOT NULL,
    imported_by       TEXT NOT NULL DEFAULT '',
    imported_by_name  TEXT NOT NULL DEFAULT '',
    imported_at    DATETIME NOT NULL,
    UNIQUE (system_id, seq)
);
CREATE INDEX bom_imports_org ON bom_imports(org_id, system_id, seq);
CREATE INDEX components_bom_ref ON components(org_id, bom_ref);
