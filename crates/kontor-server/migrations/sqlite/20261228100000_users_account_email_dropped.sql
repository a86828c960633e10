-- issue 12 (import speed): `users_account_email (account_id, email, id)` duplicates the unique index of
-- `UNIQUE (account_id, email)`, and SQLite never chose it: an address is unique per account and NOT NULL, so the
-- planner serves `ORDER BY u.email, u.id` and the keyset condition `(u.email, u.id) > (?, ?)` from the unique
-- index alone (`EXPLAIN QUERY PLAN` of the users list sorted by e-mail, with and without this index: `SEARCH u
-- USING INDEX sqlite_autoindex_users_2 (account_id=? AND email>?)`). One random-order B-tree less per user.
DROP INDEX users_account_email;
