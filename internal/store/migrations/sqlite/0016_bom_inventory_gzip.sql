-- The inventory of a BOM version, gzip-compressed (see store.inventoryGzip). Versions imported before keep
-- their inventory as text in inventory; newer ones leave that empty.
ALTER TABLE bom_imports ADD COLUMN inventory_gzip BLOB;
