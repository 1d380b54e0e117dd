-- Indexes for lists of the AI system inventory in large organizations (tens of thousands of systems).
--
-- A list is ordered by name and id. With id in the filter indexes, a page filtered by stage, status, owner
-- or AI role reads its rows in order straight from the index instead of walking every system by name.
DROP INDEX systems_stage;
DROP INDEX systems_status;
DROP INDEX systems_owner;
DROP INDEX systems_role;
CREATE INDEX systems_stage ON systems(org_id, stage, name, id);
CREATE INDEX systems_status ON systems(org_id, status, name, id);
CREATE INDEX systems_owner ON systems(org_id, owner_id, name, id);
CREATE INDEX systems_role ON systems(org_id, ai_role, name, id);

-- The filters by the components the systems use: the systems with a component of a supplier, or with a
-- model of a name, in any case. Each link keeps the lower-case supplier of its component and, for a model,
-- its lower-case name, so that the systems of a supplier or model are one range of an index, whatever
-- else inserts links; triggers keep the copies in step with the components.
ALTER TABLE system_components ADD COLUMN supplier_key TEXT NOT NULL DEFAULT '';
ALTER TABLE system_components ADD COLUMN model_key TEXT NOT NULL DEFAULT '';
UPDATE system_components SET
    supplier_key = (SELECT lower(c.supplier) FROM components c WHERE c.id = system_components.component_id),
    model_key = (SELECT CASE WHEN c.kind = 'model' THEN lower(c.name) ELSE '' END FROM components c
        WHERE c.id = system_components.component_id);
CREATE INDEX system_components_supplier ON system_components(org_id, supplier_key, system_id);
CREATE INDEX system_components_model ON system_components(org_id, model_key, system_id);

CREATE TRIGGER system_components_keys AFTER INSERT ON system_components
BEGIN
    UPDATE system_components SET
        supplier_key = (SELECT lower(supplier) FROM components WHERE id = NEW.component_id),
        model_key = (SELECT CASE WHEN kind = 'model' THEN lower(name) ELSE '' END FROM components WHERE id = NEW.component_id)
    WHERE system_id = NEW.system_id AND component_id = NEW.component_id;
END;
CREATE TRIGGER components_keys AFTER UPDATE OF kind, name, supplier ON components
BEGIN
    UPDATE system_components SET supplier_key = lower(NEW.supplier),
        model_key = CASE WHEN NEW.kind = 'model' THEN lower(NEW.name) ELSE '' END
    WHERE component_id = NEW.id;
END;
