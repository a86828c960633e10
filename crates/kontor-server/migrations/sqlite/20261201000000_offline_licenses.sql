-- Offline licenses (issue 4), SQLite flavour: every license file the portal signed, and the activation limit.
-- `machine` is the fingerprint of a machine-bound license (NULL: the account-wide license); a live
-- (not revoked) machine-bound license is one activation. `issued_by` is the user id, or 'cli'.
CREATE TABLE offline_licenses (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    machine    TEXT,
    hostname   TEXT,
    key_id     TEXT NOT NULL,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    issued_by  TEXT NOT NULL
);
CREATE INDEX offline_licenses_account ON offline_licenses(account_id, seq);
-- At most one live license per machine and account: re-activating a machine revokes its old license first.
CREATE UNIQUE INDEX offline_licenses_live_machine ON offline_licenses(account_id, machine)
    WHERE machine IS NOT NULL AND revoked_at IS NULL;

-- Machines an account may activate at once (live machine-bound licenses); vendors change it per account.
ALTER TABLE subscriptions ADD COLUMN license_activations_max INTEGER NOT NULL DEFAULT 5
    CHECK (license_activations_max >= 0);
