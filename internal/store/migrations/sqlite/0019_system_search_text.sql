-- PostgreSQL's migration 0019 gives systems a stored, lower-cased search text; SQLite searches its FTS5
-- trigram index (0013) and needs nothing. This statement keeps the two dialects' migrations numbered
-- alike.
SELECT 1;
