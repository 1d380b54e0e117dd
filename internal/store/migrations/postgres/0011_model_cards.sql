-- Imported Hugging Face model cards (ISO/IEC 42001, A.4.3, A.8.2): every import of a card for a model
-- component is kept as a new version (number 1, 2, ...), with its Markdown as sent (at most 1 MiB) and what
-- aims read out of it (licence, languages, tags, data sets, base model, pipeline tag, evaluation results)
-- as a JSON object.
CREATE TABLE model_cards (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    component_id      TEXT NOT NULL REFERENCES components(id) ON DELETE CASCADE,
    number            INTEGER NOT NULL,
    markdown          TEXT NOT NULL CHECK (length(markdown) <= 1048576),
    sha256            TEXT NOT NULL,
    card_json         TEXT NOT NULL DEFAULT '{}',
    imported_by       TEXT NOT NULL DEFAULT '',
    imported_by_name  TEXT NOT NULL DEFAULT '',
    imported_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (component_id, number)
);
CREATE INDEX model_cards_component ON model_cards(org_id, component_id, number);
