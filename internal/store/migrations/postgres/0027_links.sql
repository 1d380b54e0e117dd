-- Links between any two records of one organization, with a typed relationship read from the "from" end
-- to the "to" end. The ends are (type, id) pairs rather than foreign keys because they may be records of
-- any kind; the record service removes or refuses a record's links when it is deleted. A control is named
-- by "framework key/requirement ref", which stays the same across revisions of its framework.
CREATE TABLE links (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    relationship   TEXT NOT NULL,
    from_type      TEXT NOT NULL,
    from_id        TEXT NOT NULL,
    to_type        TEXT NOT NULL,
    to_id          TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_by_id  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, from_type, from_id, relationship, to_type, to_id)
);
CREATE INDEX links_from ON links(org_id, from_type, from_id, id);
CREATE INDEX links_to ON links(org_id, to_type, to_id, id);
