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

CREATE FUNCTION seat_usage_assign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT u.account_id, n.product_id, COUNT(*) FROM new_assignments n JOIN users u ON u.id = n.user_id
        WHERE u.deleted_at IS NULL GROUP BY u.account_id, n.product_id
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = seat_usage.used + EXCLUDED.used;
    RETURN NULL;
END $$;

CREATE FUNCTION seat_usage_unassign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE seat_usage s SET used = s.used - d.n
        FROM (SELECT u.account_id, o.product_id, COUNT(*) AS n FROM old_assignments o
              JOIN users u ON u.id = o.user_id WHERE u.deleted_at IS NULL
              GROUP BY u.account_id, o.product_id) d
        WHERE s.account_id = d.account_id AND s.product_id = d.product_id;
    RETURN NULL;
END $$;

CREATE FUNCTION seat_usage_reassign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT account_id, product_id, SUM(d) FROM (
            SELECT u.account_id, n.product_id, 1 AS d FROM new_assignments n
                JOIN users u ON u.id = n.user_id WHERE u.deleted_at IS NULL
            UNION ALL
            SELECT u.account_id, o.product_id, -1 AS d FROM old_assignments o
                JOIN users u ON u.id = o.user_id WHERE u.deleted_at IS NULL
        ) x GROUP BY account_id, product_id HAVING SUM(d) <> 0
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = seat_usage.used + EXCLUDED.used;
    RETURN NULL;
END $$;

-- Users deleted or restored (or moved to another account): their assignments leave or join the counts.
CREATE FUNCTION seat_usage_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT account_id, product_id, SUM(d) FROM (
            SELECT n.account_id, la.product_id, 1 AS d FROM new_users n JOIN old_users o ON o.id = n.id
                JOIN license_assignments la ON la.user_id = n.id
                WHERE n.deleted_at IS NULL AND (o.deleted_at IS NOT NULL OR o.account_id <> n.account_id)
            UNION ALL
            SELECT o.account_id, la.product_id, -1 AS d FROM new_users n JOIN old_users o ON o.id = n.id
                JOIN license_assignments la ON la.user_id = o.id
                WHERE o.deleted_at IS NULL AND (n.deleted_at IS NOT NULL OR o.account_id <> n.account_id)
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
