-- The supplier and model indexes of component links (0012) hold only the links with a key: an empty key
-- (a component without a supplier; anything but a model) is never looked for, and most links of a large
-- BOM have one or both empty, so a BOM import writes far fewer index entries. The filters say
-- "key <> ''" so that both databases use these partial indexes (see store.componentConditions).
DROP INDEX system_components_supplier;
DROP INDEX system_components_model;
CREATE INDEX system_components_supplier ON system_components(org_id, supplier_key, system_id) WHERE supplier_key <> '';
CREATE INDEX system_components_model ON system_components(org_id, model_key, system_id) WHERE model_key <> '';
