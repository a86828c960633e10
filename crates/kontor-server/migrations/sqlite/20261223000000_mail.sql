-- E-mail (issue 9): the outbox, the users' language for their mails, and forgotten-password codes.

-- The language a user's mails are written in ('de' or 'en').
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'de' CHECK (language IN ('de', 'en'));

-- Queued mails, written in the same transaction as the change that causes them. A worker claims due rows
-- with a lease (lease_owner, lease_until), sends, and marks them sent; a failure sets next_attempt_at with
-- exponential backoff; after the attempt limit failed_at is set. The bodies of a sent mail are cleared
-- (they may hold a temporary password or a code).
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    account_id      TEXT REFERENCES accounts(id),
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- One live forgotten-password code per user: only its SHA-256 (salted with the user id) is stored.
CREATE TABLE password_resets (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
);
