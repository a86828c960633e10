-- Indexed substring search of the users list (issue 3), PostgreSQL flavour: trigram GIN indexes (pg_trgm)
-- on the two expressions the list's `LIKE '%q%'` filters, so a search of 3 or more characters reads the index
-- instead of scanning the account's users. The query is unchanged, so the result is too.
--
-- pg_trgm ships in PostgreSQL's contrib (Debian/Ubuntu: in the `postgresql-NN` package; RHEL: the
-- `postgresql-contrib` package) and is a trusted extension since PostgreSQL 13, so the database owner may
-- create it without superuser rights. If it is not installed, or the portal's role may not create it, this
-- migration still succeeds without the indexes (search then scans as before, same results) and says so with
-- a NOTICE; install the extension (`CREATE EXTENSION pg_trgm;` as a superuser) and run the two CREATE INDEX
-- statements below by hand to get them.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION pg_trgm;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm not available (%): the users search stays unindexed', SQLERRM;
            RETURN;
        END;
    END IF;
    CREATE INDEX users_search_name ON users USING gin (name_key gin_trgm_ops);
    CREATE INDEX users_search_email ON users USING gin ((COALESCE(deleted_email, email)) gin_trgm_ops);
END
$$;
