-- A component link's organization is its system's and its component's, each checked by their own foreign
-- key and each cascading when the organization goes; the link's own foreign key to organizations checked
-- again, for every row, what those two already hold. It goes, which on SQLite means building the table
-- anew (https://sqlite.org/lang_altertable.html#otheralter) with its indexes and the trigger that reads it.
DROP TRIGGER components_keys;
CREATE TABLE system_components_new (
    org_id        TEXT NOT NULL,
    system_id     TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    component_id  TEXT NOT NULL REFERENCES components(id) ON DELETE CASCADE,
    role          TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    supplier_key  TEXT NOT NULL DEFAULT '',
    model_key     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (system_id, component_id)
);
INSERT INTO system_components_new (org_id, system_id, component_id, role, notes, created_at, supplier_key, model_key)
    SELECT org_id, system_id, component_id, role, notes, created_at, supplier_key, model_key FROM system_components;
DROP TABLE system_components;
ALTER TABLE system_components_new RENAME TO system_components;
CREATE INDEX system_components_component ON system_components(org_id, component_id);
CREATE INDEX system_components_supplier ON system_components(org_id, supplier_key, system_id);
CREATE INDEX system_components_model ON system_components(org_id, model_key, system_id);
CREATE TRIGGER components_keys AFTER UPDATE OF kind, name, supplier ON components
WHEN OLD.supplier IS NOT NEW.supplier OR OLD.kind IS NOT NEW.kind OR OLD.name IS NOT NEW.name
BEGIN
    UPDATE system_components SET supplier_key = lower(NEW.supplier),
        model_key = CASE WHEN NEW.kind = 'model' THEN lower(NEW.name) ELSE '' END
    WHERE org_id = NEW.org_id AND component_id = NEW.id;
END;
