-- PostgreSQL's migration 0021 refuses TRUNCATE on the trail's tables; SQLite has no TRUNCATE (its
-- "truncate optimization" of an unqualified DELETE is off while a DELETE trigger exists, and 0003 has one).
-- This statement keeps the two dialects' migrations numbered alike.
SELECT 1;
