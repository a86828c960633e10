-- Sign-in and the password-reset request look users up by the address alone (`db::store` USER_BY_EMAIL,
-- USERS_BY_EMAIL). harden10 replaced the portal-wide `users_email_key` by the per-account unique index
-- `(account_id, email)` (20261224020000_email_per_account), which a lookup without the account cannot use, and
-- added `users_email` on SQLite only: on PostgreSQL every sign-in read the whole users table (21 ms at 100,000
-- users, growing with them; found 2026-12-02 with EXPLAIN ANALYZE, issue 12). `tests/lookups.rs` checks that
-- every column an unauthenticated request looks up leads an index, on both backends.
CREATE INDEX users_email ON users(email);
