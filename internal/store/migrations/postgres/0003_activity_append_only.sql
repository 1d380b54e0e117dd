-- The activity trail is append-only in the database too: changing or removing an entry needs someone who
-- can drop this trigger, and the hash chain still reveals what they did.
CREATE FUNCTION activity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the activity trail is append-only';
END;
$$;
CREATE TRIGGER activity_append_only BEFORE UPDATE OR DELETE ON activity
    FOR EACH ROW EXECUTE FUNCTION activity_append_only();
