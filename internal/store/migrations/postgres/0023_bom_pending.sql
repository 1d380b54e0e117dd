-- A large BOM import is written in short transactions of a few thousand rows each, so that the one SQLite
-- writer is free between them for other organizations' writes (see store.SaveBOMImport). Until the
-- import is complete its rows are invisible: the components it creates and the links it adds carry its
-- id in import_id, and every read of components and links leaves out the rows whose import_id is in
-- bom_pending. The last transaction deletes the import's bom_pending row, which makes all of them visible
-- at once. A failed import's rows are deleted before its bom_pending row; one whose process died is found
-- by its lease (renewed by every batch) having run out. One import at a time per organization (its
-- components are matched across the organization). import_id stays on the rows: the import that made them.
CREATE TABLE bom_pending (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL UNIQUE REFERENCES organizations(id) ON DELETE CASCADE,
    system_id    TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    lease_until  TIMESTAMPTZ NOT NULL
);
ALTER TABLE components ADD COLUMN import_id TEXT NOT NULL DEFAULT '';
ALTER TABLE system_components ADD COLUMN import_id TEXT NOT NULL DEFAULT '';
CREATE INDEX components_import ON components(import_id) WHERE import_id <> '';
CREATE INDEX system_components_import ON system_components(import_id) WHERE import_id <> '';
-- The supplier and model filters of the inventory (0018) read their partial index alone: it holds
-- import_id too, so that they still do with the condition on it.
DROP INDEX system_components_supplier;
DROP INDEX system_components_model;
CREATE INDEX system_components_supplier ON system_components(org_id, supplier_key, system_id, import_id) WHERE supplier_key <> '';
CREATE INDEX system_components_model ON system_components(org_id, model_key, system_id, import_id) WHERE model_key <> '';
