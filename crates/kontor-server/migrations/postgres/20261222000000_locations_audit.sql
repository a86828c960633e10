-- Locations and the audit log (issue 9), PostgreSQL flavour.
--
-- Locations get an address and a case-insensitive name key (written by the server: the name in lower
-- case), unique per account.
ALTER TABLE locations ADD COLUMN street TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE locations SET name_key = lower(name);
CREATE UNIQUE INDEX locations_account_name_key ON locations(account_id, name_key);

-- One naming scheme for events: `area.verb` (ARCHITECTURE.md, "Audit events").
UPDATE audit_events SET event = 'auth.' || event
    WHERE event IN ('sign_in', 'sign_in_failed', 'token_sign_in', 'refresh_reuse_detected', 'sign_out');
UPDATE audit_events SET event = 'user.imported' WHERE event = 'user.import_batch';
UPDATE audit_events SET event = 'user.import_retried' WHERE event = 'user.import_batch_retried';
-- Offline licenses were `license.*` like a user's product licenses; their target is the license id.
UPDATE audit_events SET event = 'offline_license.issued' WHERE event = 'license.issued';
UPDATE audit_events SET event = 'offline_license.activated' WHERE event = 'license.activated';
UPDATE audit_events SET event = 'offline_license.revoked'
    WHERE event = 'license.revoked' AND target NOT LIKE '%: %';

-- The event's area (the part before the dot), for the audit page's filter.
ALTER TABLE audit_events ADD COLUMN area TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE audit_events SET area = split_part(event, '.', 1) WHERE strpos(event, '.') > 0;
-- The actor's address is part of the hash: fill it now, so the purge never changes a chained row.
UPDATE audit_events SET actor_email =
    (SELECT COALESCE(u.deleted_email, u.email) FROM users u WHERE u.id = audit_events.actor_user_id)
    WHERE actor_email IS NULL AND actor_user_id IS NOT NULL;

-- Tamper evidence: the entry's place in its account's chain and its SHA-256 (hex) over its content and
-- the previous entry's hash. Existing rows are chained once by the server when it opens the database
-- (one Rust implementation of the hash for both backends, as SQLite has no SHA-256 in SQL); `audit_heads`
-- holds each account's last link and is the row every writer of the account's chain locks (FOR UPDATE).
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE TABLE audit_heads (
    account_id TEXT PRIMARY KEY REFERENCES accounts(id),
    seq        BIGINT NOT NULL,
    hash       TEXT NOT NULL
);

-- The audit page's filters, each with the id for keyset paging.
CREATE INDEX audit_events_actor ON audit_events(account_id, actor_email, id);
CREATE INDEX audit_events_area ON audit_events(account_id, area, id);
CREATE INDEX audit_events_event ON audit_events(account_id, event, id);
