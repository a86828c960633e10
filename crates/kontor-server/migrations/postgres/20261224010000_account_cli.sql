-- acct9 (issue 9): the device a session was started from, and e-mail changes confirmed by a code.

-- A short description of the device (the app's User-Agent, e.g. "Kontor 0.1.0 on Linux (host)"), kept with
-- each session row; the profile's session list shows it.
ALTER TABLE sessions ADD COLUMN device TEXT;

-- One pending e-mail change per user: the new address and the SHA-256 of the code mailed to it (salted with
-- the user id and the address). Single use, expires, limited tries.
CREATE TABLE email_changes (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    new_email  TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0
);
