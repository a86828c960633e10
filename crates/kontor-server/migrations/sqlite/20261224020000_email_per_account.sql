-- harden10 (issue 10, defect 5): an e-mail address is unique per account, not portal-wide, so creating a
-- user never tells an Admin that the address exists in another account. Sign-in resolves the account by
-- the password, or lets the user choose (`sign_in_choices`).
--
-- SQLite cannot drop a column's UNIQUE: the table is rebuilt (https://sqlite.org/lang_altertable.html,
-- "other kinds of table schema changes"). `db::sqlite` runs the migrations on a connection with
-- `foreign_keys` OFF (and checks `foreign_key_check` after), so dropping the old table neither cascades
-- nor breaks the references of sessions, licenses, audit entries, mandates and reset codes, which point
-- to the new table by name. Every column (same order, same rowid, which `users_search` follows), index and
-- trigger is kept.
CREATE TABLE users_new (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    email                TEXT NOT NULL CHECK (email = lower(email)),
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'billing', 'user')),
    password_hash        TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    deleted_at           INTEGER,
    name_key             TEXT NOT NULL DEFAULT '',
    temp_password_hash   TEXT,
    location_id          TEXT REFERENCES locations(id),
    import_key           TEXT,
    deleted_email        TEXT,
    language             TEXT NOT NULL DEFAULT 'de' CHECK (language IN ('de', 'en')),
    UNIQUE (account_id, email)
);
INSERT INTO users_new (rowid, id, account_id, email, display_name, role, password_hash, must_change_password,
                       created_at, deleted_at, name_key, temp_password_hash, location_id, import_key,
                       deleted_email, language)
    SELECT rowid, id, account_id, email, display_name, role, password_hash, must_change_password,
           created_at, deleted_at, name_key, temp_password_hash, location_id, import_key,
           deleted_email, language
    FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE INDEX users_account_name ON users(account_id, name_key, id);
CREATE INDEX users_account_email ON users(account_id, email, id);
CREATE INDEX users_account_role ON users(account_id, role, id);
CREATE INDEX users_account_created ON users(account_id, created_at, id);
CREATE INDEX users_account_location ON users(account_id, location_id);
CREATE INDEX users_account_deleted ON users(account_id, deleted_at);
CREATE INDEX users_import ON users(account_id, import_key) WHERE import_key IS NOT NULL;
-- Sign-in looks users up by the address alone.
CREATE INDEX users_email ON users(email);

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, name_key, email)
        VALUES (new.rowid, new.name_key, COALESCE(new.deleted_email, new.email));
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF name_key, email, deleted_email ON users BEGIN
    DELETE FROM users_search WHERE rowid = old.rowid;
    INSERT INTO users_search (rowid, name_key, email)
        VALUES (new.rowid, new.name_key, COALESCE(new.deleted_email, new.email));
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search WHERE rowid = old.rowid;
END;

-- Sign-in with the same address in several accounts (all with this password): one opaque, short-lived,
-- single-use token (stored as SHA-256) names the users the password matched; choosing one starts the session.
CREATE TABLE sign_in_choices (
    token_hash TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    remember   INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (token_hash, account_id)
);
CREATE INDEX sign_in_choices_expiry ON sign_in_choices(expires_at);
