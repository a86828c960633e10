-- Issue 12 (import speed): the used seats per account and product, kept by triggers, so a seat check (every
-- import batch, assignment, restore: `db::users` POOLS) and the dashboard read one row per product instead of
-- counting the account's live users' assignments (5,000 more users on 95,000 made that count a quarter of an
-- import batch's time, and it grew with every batch). A seat is used by an assignment of a live user
-- (deleted_at IS NULL); deleted users keep their assignments (restore gives them back), so deleting and
-- restoring a user moves the count by that user's assignments. A live user's assignments are deleted before the
-- user (no cascade on `license_assignments.user_id`), each moving the count. Statement-level triggers with
-- transition tables: an import batch's INSERT moves each product's count once, not once per row.
CREATE TABLE seat_usage (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    used       BIGINT NOT NULL,
    PRIMARY KEY (account_id, product_id)
);

INSERT INTO seat_usage (account_id, product_id, used)
    SELECT u.account_id, la.product_id, COUNT(*) FROM license_assignments la JOIN users u ON u.id = la.user_id
    WHERE u.deleted_at IS NULL GROUP BY u.account_id, la.product_id;

-- The triggers look users and assignments up per row (a scalar subquery on a primary key, a LATERAL probe fenced by
-- OFFSET 0), never by a join the planner may turn into a scan: PL/pgSQL keeps a statement's plan for the
-- connection's life, made at its first run (perhaps on an empty table).
CREATE FUNCTION seat_usage_assign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT a.account_id, a.product_id, COUNT(*) FROM (
            SELECT (SELECT u.account_id FROM users u WHERE u.id = n.user_id AND u.deleted_at IS NULL)
                       AS account_id, n.product_id
            FROM new_assignments n) a
        WHERE a.account_id IS NOT NULL GROUP BY a.account_id, a.product_id
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = seat_usage.used + EXCLUDED.used;
    RETURN NULL;
END $$;

CREATE FUNCTION seat_usage_unassign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE seat_usage s SET used = s.used - d.n
        FROM (SELECT a.account_id, a.product_id, COUNT(*) AS n FROM (
                  SELECT (SELECT u.account_id FROM users u WHERE u.id = o.user_id AND u.deleted_at IS NULL)
                             AS account_id, o.product_id
                  FROM old_assignments o) a
              WHERE a.account_id IS NOT NULL GROUP BY a.account_id, a.product_id) d
        WHERE s.account_id = d.account_id AND s.product_id = d.product_id;
    RETURN NULL;
END $$;

CREATE FUNCTION seat_usage_reassign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT account_id, product_id, SUM(d) FROM (
            SELECT (SELECT u.account_id FROM users u WHERE u.id = n.user_id AND u.deleted_at IS NULL)
                       AS account_id, n.product_id, 1 AS d
            FROM new_assignments n
            UNION ALL
            SELECT (SELECT u.account_id FROM users u WHERE u.id = o.user_id AND u.deleted_at IS NULL),
                   o.product_id, -1
            FROM old_assignments o
        ) x WHERE account_id IS NOT NULL GROUP BY account_id, product_id HAVING SUM(d) <> 0
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = seat_usage.used + EXCLUDED.used;
    RETURN NULL;
END $$;

-- Users deleted or restored (or moved to another account): their assignments leave or join the counts. Most
-- updates of users change neither (a sign-in, a password): `changed` is empty and nothing else is read.
CREATE FUNCTION seat_usage_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH changed AS (
        SELECT n.id, o.account_id AS old_account, n.account_id AS new_account,
               o.deleted_at IS NULL AS was_live, n.deleted_at IS NULL AS is_live
        FROM new_users n JOIN old_users o ON o.id = n.id
        WHERE (o.deleted_at IS NULL) <> (n.deleted_at IS NULL) OR o.account_id <> n.account_id
    )
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT account_id, product_id, SUM(d) FROM (
            SELECT c.new_account AS account_id, la.product_id, 1 AS d FROM changed c
                CROSS JOIN LATERAL (SELECT product_id FROM license_assignments
                                    WHERE user_id = c.id OFFSET 0) la
                WHERE c.is_live
            UNION ALL
            SELECT c.old_account, la.product_id, -1 FROM changed c
                CROSS JOIN LATERAL (SELECT product_id FROM license_assignments
                                    WHERE user_id = c.id OFFSET 0) la
                WHERE c.was_live
        ) x GROUP BY account_id, product_id HAVING SUM(d) <> 0
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = seat_usage.used + EXCLUDED.used;
    RETURN NULL;
END $$;

CREATE TRIGGER seat_usage_assign AFTER INSERT ON license_assignments
    REFERENCING NEW TABLE AS new_assignments FOR EACH STATEMENT EXECUTE FUNCTION seat_usage_assign();
CREATE TRIGGER seat_usage_unassign AFTER DELETE ON license_assignments
    REFERENCING OLD TABLE AS old_assignments FOR EACH STATEMENT EXECUTE FUNCTION seat_usage_unassign();
CREATE TRIGGER seat_usage_reassign AFTER UPDATE ON license_assignments
    REFERENCING OLD TABLE AS old_assignments NEW TABLE AS new_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION seat_usage_reassign();
CREATE TRIGGER seat_usage_users AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_users NEW TABLE AS new_users
    FOR EACH STATEMENT EXECUTE FUNCTION seat_usage_users();
