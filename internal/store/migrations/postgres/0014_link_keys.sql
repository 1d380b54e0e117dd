-- The lower-case supplier and model keys of component links (0012), cheaper to keep.
--
-- Links get their keys from a BEFORE INSERT trigger already (0012). A change of a component reaches its
-- links through the (org_id, component_id) index, and only when the supplier, kind or name really changed.
CREATE OR REPLACE FUNCTION components_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.supplier IS DISTINCT FROM OLD.supplier OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.name IS DISTINCT FROM OLD.name THEN
        UPDATE system_components SET supplier_key = lower(NEW.supplier),
            model_key = CASE WHEN NEW.kind = 'model' THEN lower(NEW.name) ELSE '' END
        WHERE org_id = NEW.org_id AND component_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;
