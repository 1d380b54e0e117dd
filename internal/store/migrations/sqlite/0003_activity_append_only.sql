-- The activity trail is append-only in the database too: changing or removing an entry needs someone who
-- can drop these triggers, and the hash chain still reveals what they did.
CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity
BEGIN
    SELECT RAISE(ABORT, 'the activity trail is append-only');
END;
CREATE TRIGGER activity_no_delete BEFORE DELETE ON activity
BEGIN
    SELECT RAISE(ABORT, 'the activity trail is append-only');
END;
