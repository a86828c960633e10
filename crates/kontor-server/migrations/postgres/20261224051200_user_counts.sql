-- scale12l (issue 12, load): the number of live users per account, kept by triggers, so the dashboard summary
-- reads one row instead of counting an account's users (100,000 rows) on every request. A live user is one
-- whose deleted_at IS NULL. Statement-level triggers with transition tables: a bulk insert (an import batch,
-- COPY) moves each account's count once per statement, not once per row.
CREATE TABLE account_user_counts (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    active BIGINT NOT NULL
);

INSERT INTO account_user_counts (account_id, active)
    SELECT account_id, COUNT(*) FROM users WHERE deleted_at IS NULL GROUP BY account_id;

CREATE FUNCTION account_user_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_user_counts (account_id, active)
        SELECT account_id, COUNT(*) FROM new_users WHERE deleted_at IS NULL GROUP BY account_id
        ON CONFLICT (account_id) DO UPDATE SET active = account_user_counts.active + EXCLUDED.active;
    RETURN NULL;
END $$;

CREATE FUNCTION account_user_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_user_counts c SET active = c.active - d.n
        FROM (SELECT account_id, COUNT(*) AS n FROM old_users WHERE deleted_at IS NULL GROUP BY account_id) d
        WHERE c.account_id = d.account_id;
    RETURN NULL;
END $$;

CREATE FUNCTION account_user_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_user_counts (account_id, active)
        SELECT account_id, SUM(d) FROM (
            SELECT account_id, 1 AS d FROM new_users WHERE deleted_at IS NULL
            UNION ALL
            SELECT account_id, -1 AS d FROM old_users WHERE deleted_at IS NULL
        ) x GROUP BY account_id HAVING SUM(d) <> 0
        ON CONFLICT (account_id) DO UPDATE SET active = account_user_counts.active + EXCLUDED.active;
    RETURN NULL;
END $$;

CREATE TRIGGER users_count_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_users
    FOR EACH STATEMENT EXECUTE FUNCTION account_user_counts_insert();
CREATE TRIGGER users_count_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_users
    FOR EACH STATEMENT EXECUTE FUNCTION account_user_counts_delete();
CREATE TRIGGER users_count_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users
    FOR EACH STATEMENT EXECUTE FUNCTION account_user_counts_update();
