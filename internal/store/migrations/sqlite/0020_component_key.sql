-- PostgreSQL's migration 0020 merges two indexes of components into one; SQLite cannot change a table's
-- constraints in place and keeps both. This statement keeps the two dialects' migrations numbered alike.
SELECT 1;
