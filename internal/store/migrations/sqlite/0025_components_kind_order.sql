-- PostgreSQL's migration 0025 adds an index in (kind, name, component version, id) order; SQLite keeps the
-- kind-first unique key of 0008, which serves that order already. This statement keeps the two dialects'
-- migrations numbered alike.
SELECT 1;
