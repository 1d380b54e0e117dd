-- Cheaper writes of component links and components, for BOM imports of tens of thousands of components.
--
-- Every writer of a link now stores its lower-case supplier and model keys (0012) itself, with SQL's
-- lower() over its component in the INSERT (a BOM import copies its links to a temporary table first and
-- inserts them all in one INSERT ... SELECT), so the row trigger that looked each link's component up goes.
-- A change of a component still reaches its links through components_keys (0014).
--
-- Two indexes no query uses go too: system_components_org (org_id, system_id), as every query of a
-- system's links names the system and the primary key (system_id, component_id) serves it; and
-- components_bom_ref, as components are matched to a BOM's by name (see store.bomCandidates).
DROP TRIGGER system_components_keys ON system_components;
DROP FUNCTION system_components_keys();
DROP INDEX system_components_org;
DROP INDEX components_bom_ref;
