-- The EU AI Act classification of each AI system: the current one (answers to the questionnaire, what
-- follows from them, the class recorded and, when it differs from the evaluated class, why) and every
-- classification ever saved, appended and never changed. systems.risk_class copies the current class so
-- the inventory can be filtered by it ('' while a system is not classified).
ALTER TABLE systems ADD COLUMN risk_class TEXT NOT NULL DEFAULT '';
CREATE INDEX systems_risk_class ON systems(org_id, risk_class, name);

CREATE TABLE system_classifications (
    system_id               TEXT PRIMARY KEY REFERENCES systems(id) ON DELETE CASCADE,
    org_id                  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    answers_json            TEXT NOT NULL,
    class                   TEXT NOT NULL,
    result_json             TEXT NOT NULL,
    override                BOOLEAN NOT NULL DEFAULT FALSE,
    justification           TEXT NOT NULL DEFAULT '',
    classified_by           TEXT NOT NULL,
    classified_by_name      TEXT NOT NULL,
    classified_at           TIMESTAMPTZ NOT NULL,
    version                 INTEGER NOT NULL
);
CREATE INDEX system_classifications_org ON system_classifications(org_id, system_id);

CREATE TABLE system_classification_history (
    id                      TEXT PRIMARY KEY,
    org_id                  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    system_id               TEXT NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    version                 INTEGER NOT NULL,
    answers_json            TEXT NOT NULL,
    class                   TEXT NOT NULL,
    result_json             TEXT NOT NULL,
    override                BOOLEAN NOT NULL DEFAULT FALSE,
    justification           TEXT NOT NULL DEFAULT '',
    classified_by           TEXT NOT NULL,
    classified_by_name      TEXT NOT NULL,
    classified_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (system_id, version)
);
CREATE INDEX system_classification_history_org ON system_classification_history(org_id, system_id, version);
