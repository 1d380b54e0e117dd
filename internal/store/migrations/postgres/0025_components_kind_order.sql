-- A system's components are listed, paged and exported in (kind, name, component version, id) order. Since
-- 0020 the unique key is name-first, so PostgreSQL read every component of the organization and sorted it for
-- each page: about 175 ms a page at 100,000 components, 16 s for a BOM export. With this index a page of
-- 5,000 takes about 11 ms. SQLite keeps the kind-first key of 0008, which serves the same order.
CREATE INDEX components_kind_order ON components (org_id, kind, name, component_version, id);
