-- The lower-case supplier and model keys of component links (0012), cheaper to keep.
--
-- A BOM import links tens of thousands of components at once and now writes each link's keys itself, so
-- the trigger after an insert only corrects keys that differ from the component's (a writer that leaves
-- them empty, or folds case differently). A change of a component reaches its links through the
-- (org_id, component_id) index, and only when the supplier, kind or name really changed.
DROP TRIGGER system_components_keys;
CREATE TRIGGER system_components_keys AFTER INSERT ON system_components
WHEN NEW.supplier_key IS NOT (SELECT lower(supplier) FROM components WHERE id = NEW.component_id)
    OR NEW.model_key IS NOT (SELECT CASE WHEN kind = 'model' THEN lower(name) ELSE '' END FROM components WHERE id = NEW.component_id)
BEGIN
    UPDATE system_components SET
        supplier_key = (SELECT lower(supplier) FROM components WHERE id = NEW.component_id),
        model_key = (SELECT CASE WHEN kind = 'model' THEN lower(name) ELSE '' END FROM components WHERE id = NEW.component_id)
    WHERE system_id = NEW.system_id AND component_id = NEW.component_id;
END;
DROP TRIGGER components_keys;
CREATE TRIGGER components_keys AFTER UPDATE OF kind, name, supplier ON components
WHEN OLD.supplier IS NOT NEW.supplier OR OLD.kind IS NOT NEW.kind OR OLD.name IS NOT NEW.name
BEGIN
    UPDATE system_components SET supplier_key = lower(NEW.supplier),
        model_key = CASE WHEN NEW.kind = 'model' THEN lower(NEW.name) ELSE '' END
    WHERE org_id = NEW.org_id AND component_id = NEW.id;
END;
