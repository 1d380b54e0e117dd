-- Frameworks and their requirements (built in, shared by all organizations with org_id '', or imported by
-- one organization), mappings between requirements, each organization's AI roles, its control
-- implementations (the rows of the Statement of Applicability), links from requirements to the records
-- that satisfy them, and approved, frozen versions of the Statement of Applicability.
CREATE TABLE frameworks (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL DEFAULT '',
    key          TEXT NOT NULL,
    revision     INTEGER NOT NULL DEFAULT 1,
    name         TEXT NOT NULL,
    version      TEXT NOT NULL DEFAULT '',
    publisher    TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    source_hash  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, key, revision)
);

CREATE TABLE requirements (
    id            TEXT PRIMARY KEY,
    framework_id  TEXT NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    ref           TEXT NOT NULL,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    parent_ref    TEXT NOT NULL DEFAULT '',
    position      INTEGER NOT NULL,
    assessable    BOOLEAN NOT NULL DEFAULT FALSE,
    text          TEXT NOT NULL DEFAULT '',
    guidance      TEXT NOT NULL DEFAULT '',
    UNIQUE (framework_id, ref)
);
CREATE INDEX requirements_framework ON requirements(framework_id, position);

-- Requirement text an organization has licensed (for example the ISO standard it bought). It is shown
-- beside aims's own guidance inside that organization and never leaves it in exports.
CREATE TABLE requirement_texts (
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    requirement_id  TEXT NOT NULL REFERENCES requirements(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, requirement_id)
);

CREATE TABLE mappings (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL DEFAULT '',
    from_id       TEXT NOT NULL REFERENCES requirements(id) ON DELETE CASCADE,
    to_id         TEXT NOT NULL REFERENCES requirements(id) ON DELETE CASCADE,
    relationship  TEXT NOT NULL,
    source        TEXT NOT NULL,
    rationale     TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, from_id, to_id)
);
CREATE INDEX mappings_to ON mappings(to_id);

CREATE TABLE org_profiles (
    org_id      TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    ai_roles    TEXT NOT NULL DEFAULT '',
    eu_roles    TEXT NOT NULL DEFAULT '',
    eu_dates    TEXT NOT NULL DEFAULT 'published',
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE controls (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    requirement_id  TEXT NOT NULL REFERENCES requirements(id) ON DELETE CASCADE,
    in_soa          BOOLEAN NOT NULL DEFAULT TRUE,
    applicability   TEXT NOT NULL DEFAULT 'undecided',
    justification   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'not_started',
    owner_id        TEXT NOT NULL DEFAULT '',
    target_date     TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, requirement_id)
);

CREATE TABLE control_links (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    requirement_id  TEXT NOT NULL REFERENCES requirements(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    target          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX control_links_requirement ON control_links(org_id, requirement_id);

CREATE TABLE soa_versions (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    approved_by_id    TEXT NOT NULL,
    approved_by_name  TEXT NOT NULL,
    approved_at       TIMESTAMPTZ NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    snapshot          TEXT NOT NULL,
    hash              TEXT NOT NULL,
    UNIQUE (org_id, number)
);
