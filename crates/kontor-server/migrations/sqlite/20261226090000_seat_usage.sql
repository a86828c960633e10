-- Issue 12 (import speed): the used seats per account and product, kept by triggers, so a seat check (every
-- import batch, assignment, restore: `db::users` POOLS) and the dashboard read one row per product instead of
-- counting the account's live users' assignments (5,000 more users on 95,000 made that count a quarter of an
-- import batch's time, and it grew with every batch). A seat is used by an assignment of a live user
-- (deleted_at IS NULL); deleted users keep their assignments (restore gives them back), so deleting and
-- restoring a user moves the count by that user's assignments. A live user's assignments are deleted before the
-- user (no cascade on `license_assignments.user_id`), each moving the count. A later migration that rebuilds
-- `users` or `license_assignments` must create these triggers again.
CREATE TABLE seat_usage (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    used       INTEGER NOT NULL,
    PRIMARY KEY (account_id, product_id)
) WITHOUT ROWID;

INSERT INTO seat_usage (account_id, product_id, used)
    SELECT u.account_id, la.product_id, COUNT(*) FROM license_assignments la JOIN users u ON u.id = la.user_id
    WHERE u.deleted_at IS NULL GROUP BY u.account_id, la.product_id;

CREATE TRIGGER seat_usage_assign AFTER INSERT ON license_assignments BEGIN
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT account_id, NEW.product_id, 1 FROM users WHERE id = NEW.user_id AND deleted_at IS NULL
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = used + 1;
END;

CREATE TRIGGER seat_usage_unassign AFTER DELETE ON license_assignments BEGIN
    UPDATE seat_usage SET used = used - 1
        WHERE product_id = OLD.product_id
          AND account_id = (SELECT account_id FROM users WHERE id = OLD.user_id AND deleted_at IS NULL);
END;

CREATE TRIGGER seat_usage_reassign AFTER UPDATE OF user_id, product_id ON license_assignments BEGIN
    UPDATE seat_usage SET used = used - 1
        WHERE product_id = OLD.product_id
          AND account_id = (SELECT account_id FROM users WHERE id = OLD.user_id AND deleted_at IS NULL);
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT account_id, NEW.product_id, 1 FROM users WHERE id = NEW.user_id AND deleted_at IS NULL
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = used + 1;
END;

-- A user deleted (or restored): their assignments leave (or come back to) the count; a live user moved to
-- another account takes them along.
CREATE TRIGGER seat_usage_user AFTER UPDATE OF deleted_at, account_id ON users
    WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) OR OLD.account_id <> NEW.account_id BEGIN
    UPDATE seat_usage SET used = used - 1
        WHERE OLD.deleted_at IS NULL AND account_id = OLD.account_id
          AND product_id IN (SELECT product_id FROM license_assignments WHERE user_id = OLD.id);
    INSERT INTO seat_usage (account_id, product_id, used)
        SELECT NEW.account_id, product_id, 1 FROM license_assignments
        WHERE NEW.deleted_at IS NULL AND user_id = NEW.id
        ON CONFLICT (account_id, product_id) DO UPDATE SET used = used + 1;
END;
