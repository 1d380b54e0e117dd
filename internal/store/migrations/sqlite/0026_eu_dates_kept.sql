-- New organizations plan against the EU AI Act dates as amended by the Digital Omnibus on AI, in force
-- since July 2026: an organization without a stored profile now gets the amended dates. Organizations
-- that exist already keep what they have: those that never changed their AI roles had the published
-- dates by default, so they get a stored profile that says so, at version 1 (the version they were at,
-- so an If-Match they hold stays good), dated as the organization. They see a notice offering the switch.
INSERT INTO org_profiles (org_id, ai_roles, eu_roles, eu_dates, version, updated_at)
SELECT id, '', '', 'published', 1, created_at FROM organizations
WHERE id NOT IN (SELECT org_id FROM org_profiles);
