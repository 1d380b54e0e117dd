-- Text search of the AI system inventory: the systems whose name or purpose holds a term, in any case.
--
-- A LIKE '%term%' cannot use an ordinary index, so a term that few systems hold walked every system. An
-- FTS5 table with the trigram tokenizer indexes every three-character run of each name and purpose
-- (folded to lower case, for any script), so a term of three or more characters is found from the index;
-- shorter terms still use LIKE (see ListSystems).
--
-- An FTS5 table's rows are keyed by an integer rowid, and VACUUM may renumber the rowids of systems (its
-- key is a text id), so system_search_rows gives each system a stable integer key of its own, with its
-- organization to count an organization's matches from the index alone. Triggers keep both in step with
-- the systems (a system never moves to another organization).
CREATE TABLE system_search_rows (
    id         INTEGER PRIMARY KEY,
    system_id  TEXT NOT NULL UNIQUE,
    org_id     TEXT NOT NULL
);
CREATE VIRTUAL TABLE system_search USING fts5(name, purpose, tokenize = 'trigram');

INSERT INTO system_search_rows (system_id, org_id) SELECT id, org_id FROM systems;
INSERT INTO system_search (rowid, name, purpose)
    SELECT r.id, s.name, s.purpose FROM system_search_rows r JOIN systems s ON s.id = r.system_id;

CREATE TRIGGER system_search_insert AFTER INSERT ON systems
BEGIN
    INSERT INTO system_search_rows (system_id, org_id) VALUES (NEW.id, NEW.org_id);
    INSERT INTO system_search (rowid, name, purpose)
        SELECT id, NEW.name, NEW.purpose FROM system_search_rows WHERE system_id = NEW.id;
END;
CREATE TRIGGER system_search_update AFTER UPDATE OF name, purpose ON systems
BEGIN
    UPDATE system_search SET name = NEW.name, purpose = NEW.purpose
        WHERE rowid = (SELECT id FROM system_search_rows WHERE system_id = NEW.id);
END;
CREATE TRIGGER system_search_delete AFTER DELETE ON systems
BEGIN
    DELETE FROM system_search WHERE rowid = (SELECT id FROM system_search_rows WHERE system_id = OLD.id);
    DELETE FROM system_search_rows WHERE system_id = OLD.id;
END;
