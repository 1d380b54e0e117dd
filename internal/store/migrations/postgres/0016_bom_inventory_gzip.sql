-- The inventory of a BOM version, gzip-compressed (see store.inventoryGzip). Versions imported before keep
-- their inventory as text in inventory; newer ones leave that empty. The bytes are compressed already, so
-- PostgreSQL stores them out of line without trying to compress them again.
ALTER TABLE bom_imports ADD COLUMN inventory_gzip BYTEA;
ALTER TABLE bom_imports ALTER COLUMN inventory_gzip SET STORAGE EXTERNAL;
