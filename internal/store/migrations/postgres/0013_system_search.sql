-- Text search of the AI system inventory: the systems whose name or purpose holds a term, in any case.
--
-- A LIKE '%term%' cannot use a B-tree index, so a term that few systems hold walked every system. The
-- pg_trgm extension's GIN indexes of trigrams serve the same LIKE on lower(name) and lower(purpose) for
-- terms of three or more characters. Creating an extension needs privileges that not every database
-- user has (pg_trgm is a trusted extension: a user with the CREATE privilege on the database may create
-- it), so this tries to, and creates the indexes only when pg_trgm is there; without it search works the
-- same, only slower. An administrator can add them later:
--     CREATE EXTENSION pg_trgm;
--     CREATE INDEX systems_search_name ON systems USING gin (lower(name) gin_trgm_ops);
--     CREATE INDEX systems_search_purpose ON systems USING gin (lower(purpose) gin_trgm_ops);
--
-- The extension goes into the schema public when it can (so that it outlives any one schema), else into
-- the current schema; its operator class is named with its schema, which need not be on the search path.
DO $$
DECLARE
    trgm_schema text;
BEGIN
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NULL THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        EXCEPTION WHEN OTHERS THEN
            BEGIN
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'pg_trgm is not available (%): searching AI systems will not use an index', SQLERRM;
            END;
        END;
        SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            WHERE e.extname = 'pg_trgm';
    END IF;
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX systems_search_name ON systems USING gin (lower(name) %I.gin_trgm_ops)', trgm_schema);
        EXECUTE format('CREATE INDEX systems_search_purpose ON systems USING gin (lower(purpose) %I.gin_trgm_ops)', trgm_schema);
    END IF;
END
$$;
