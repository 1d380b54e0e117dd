-- TRUNCATE fires neither UPDATE nor DELETE triggers, so 'TRUNCATE activity, activity_heads' emptied every
-- organization's trail and left it verifying as "0 entries intact". Statement triggers refuse it on both
-- tables, as the row triggers of 0003 refuse changing and removing entries. (Someone who can drop these
-- triggers still can; signed checkpoints kept outside the database reveal it.)
CREATE TRIGGER activity_no_truncate BEFORE TRUNCATE ON activity
    FOR EACH STATEMENT EXECUTE FUNCTION activity_append_only();
CREATE TRIGGER activity_heads_no_truncate BEFORE TRUNCATE ON activity_heads
    FOR EACH STATEMENT EXECUTE FUNCTION activity_append_only();
