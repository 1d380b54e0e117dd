-- The identifier a requirement had in the document it was imported from (an OSCAL control or group id),
-- so that a profile imported later selects from a stored catalog by the ids it names.
ALTER TABLE requirements ADD COLUMN source_id TEXT NOT NULL DEFAULT '';
CREATE INDEX requirements_source_id ON requirements(framework_id, source_id);
