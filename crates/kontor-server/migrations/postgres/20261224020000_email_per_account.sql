-- harden10 (issue 10, defect 5): an e-mail address is unique per account, not portal-wide, so creating a
-- user never tells an Admin that the address exists in another account. Sign-in resolves the account by
-- the password, or lets the user choose (`sign_in_choices`).
ALTER TABLE users DROP CONSTRAINT users_email_key;
CREATE UNIQUE INDEX users_account_email_unique ON users(account_id, email);
-- Sign-in with the same address in several accounts (all with this password): one opaque, short-lived,
-- single-use token (stored as SHA-256) names the users the password matched; choosing one starts the session.
CREATE TABLE sign_in_choices (
    token_hash TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    remember   BOOLEAN NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (token_hash, account_id)
);
CREATE INDEX sign_in_choices_expiry ON sign_in_choices(expires_at);
