-- Users and licenses (issue 3), PostgreSQL flavour: locations, temporary passwords, import batches, the
-- users-list indexes, and the audit actor's e-mail. Sort columns use the "C" collation so both backends order
-- the users list byte-wise, the same way.
-- A soft-deleted user's e-mail moves to `deleted_email` (and `email` becomes '<id>@deleted.invalid'), so the
-- address can be given to a new user while the old one is restorable; restore moves it back (409 if taken).
CREATE TABLE locations (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name       TEXT COLLATE "C" NOT NULL,
    UNIQUE (account_id, name)
);

ALTER TABLE users ALTER COLUMN email TYPE TEXT COLLATE "C";
ALTER TABLE users ALTER COLUMN role TYPE TEXT COLLATE "C";
-- Lower-case display name (written by the server): sort key and substring search of the users list.
ALTER TABLE users ADD COLUMN name_key TEXT COLLATE "C";
UPDATE users SET name_key = lower(display_name);
ALTER TABLE users ALTER COLUMN name_key SET NOT NULL;
-- Temporary password: 's256$<salt hex>$<sha256(salt || password) hex>', never Argon2, never in clear.
ALTER TABLE users ADD COLUMN temp_password_hash TEXT;
ALTER TABLE users ADD COLUMN location_id TEXT REFERENCES locations(id);
-- '<import_id>#<batch>' for users created by an import batch.
ALTER TABLE users ADD COLUMN import_key TEXT;
-- The real e-mail of a soft-deleted user.
ALTER TABLE users ADD COLUMN deleted_email TEXT;

DROP INDEX users_account;
CREATE INDEX users_account_name ON users(account_id, name_key, id);
CREATE INDEX users_account_email ON users(account_id, email, id);
CREATE INDEX users_account_role ON users(account_id, role, id);
CREATE INDEX users_account_created ON users(account_id, created_at, id);
CREATE INDEX users_account_location ON users(account_id, location_id);
CREATE INDEX users_account_deleted ON users(account_id, deleted_at);
CREATE INDEX users_import ON users(account_id, import_key) WHERE import_key IS NOT NULL;

CREATE INDEX license_assignments_product ON license_assignments(product_id, user_id);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX license_tokens_user ON license_tokens(user_id);

-- The actor's e-mail is kept with the event, so the log still names them after they are purged.
ALTER TABLE audit_events ADD COLUMN actor_email TEXT;
CREATE INDEX audit_events_account_id ON audit_events(account_id, id);

-- Committed import batches: a retry of the same (account, import_id, batch) creates nothing.
CREATE TABLE import_batches (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    import_id  TEXT NOT NULL,
    batch      BIGINT NOT NULL,
    user_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, import_id, batch)
);
