-- scale12l (issue 12, load): the number of live users per account, kept by triggers, so the dashboard summary
-- reads one row instead of counting an account's users (100,000 rows) on every request. A live user is one
-- whose deleted_at IS NULL; every insert, delete and change of deleted_at or account_id moves the count.
-- A later migration that rebuilds `users` must create these triggers again.
CREATE TABLE account_user_counts (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    active INTEGER NOT NULL
);

INSERT INTO account_user_counts (account_id, active)
    SELECT account_id, COUNT(*) FROM users WHERE deleted_at IS NULL GROUP BY account_id;

CREATE TRIGGER users_count_insert AFTER INSERT ON users WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO account_user_counts (account_id, active) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET active = active + 1;
END;

CREATE TRIGGER users_count_delete AFTER DELETE ON users WHEN OLD.deleted_at IS NULL BEGIN
    UPDATE account_user_counts SET active = active - 1 WHERE account_id = OLD.account_id;
END;

CREATE TRIGGER users_count_update AFTER UPDATE OF deleted_at, account_id ON users
    WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) OR OLD.account_id <> NEW.account_id BEGIN
    UPDATE account_user_counts SET active = active - 1
        WHERE account_id = OLD.account_id AND OLD.deleted_at IS NULL;
    INSERT INTO account_user_counts (account_id, active) SELECT NEW.account_id, 1 WHERE NEW.deleted_at IS NULL
        ON CONFLICT (account_id) DO UPDATE SET active = active + 1;
END;
