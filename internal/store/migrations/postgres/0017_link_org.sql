-- A component link's organization is its system's and its component's, each checked by their own foreign
-- key and each cascading when the organization goes; the link's own foreign key to organizations checked
-- again, for every row (a trigger each on PostgreSQL), what those two already hold. It goes.
ALTER TABLE system_components DROP CONSTRAINT system_components_org_id_fkey;
