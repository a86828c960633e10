-- roles9b (issue 9): the license token a session family was started with (its SHA-256, as in
-- `license_tokens.token_hash`), set on the family's first row only. `accounts token --rotate` ends every
-- session family started with a token it revokes, in the rotation's transaction.
ALTER TABLE sessions ADD COLUMN license_token_hash TEXT;
CREATE INDEX sessions_license_token ON sessions(license_token_hash);
