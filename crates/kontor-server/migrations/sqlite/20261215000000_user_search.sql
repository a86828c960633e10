-- Indexed substring search of the users list (issue 3), SQLite flavour: an FTS5 table with the trigram
-- tokenizer over the lower-case name and the shown e-mail (`COALESCE(deleted_email, email)`), one row per user
-- with the user's rowid, kept in sync by triggers. The server queries it for search texts of 3 or more
-- characters (a trigram needs 3); shorter texts keep the LIKE scan, so both find exactly what
-- `name_key LIKE '%q%' OR COALESCE(deleted_email, email) LIKE '%q%'` finds.
-- It follows `users.rowid`: SQLite's VACUUM keeps rowids in practice but does not promise it for a table with a
-- TEXT key; to rebuild after any doubt: DELETE FROM users_search; then the INSERT … SELECT below.
CREATE VIRTUAL TABLE users_search USING fts5(name_key, email, tokenize = 'trigram', detail = 'full');

INSERT INTO users_search (rowid, name_key, email)
    SELECT rowid, name_key, COALESCE(deleted_email, email) FROM users;

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
