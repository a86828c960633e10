-- issue 12 (import speed): imported users enter the trigram search index (`users_search`) after their import
-- batch, not inside its transaction. The FTS5 rows were ~40 % of SQLite's work in an import batch (trigger
-- removed: 2.24 → 1.28 s for 100,000 users in session 9; this session's `sqlite3` rounds: user CPU 3.4–4.9 s →
-- 2.1–2.3 s). An imported user's rowid waits in `users_search_queue`; the server's search indexer
-- (`search_index.rs`) moves the queue into `users_search` in small transactions once imports are idle, by
-- deleting queue rows (the trigger `users_search_queue_done` indexes each user as it is then). The users list
-- takes the queue's rows as candidates beside the trigram matches and keeps its LIKE as the exact filter, so a
-- search finds exactly the same users whether they are indexed yet or not.
-- Users created one by one (and updates of indexed users) are indexed in their own transaction, as before.
CREATE TABLE users_search_queue (user_rowid INTEGER PRIMARY KEY);

DROP TRIGGER users_search_insert;
CREATE TRIGGER users_search_insert AFTER INSERT ON users WHEN new.import_key IS NULL BEGIN
    INSERT INTO users_search (rowid, name_key, email)
        VALUES (new.rowid, new.name_key, COALESCE(new.deleted_email, new.email));
END;
CREATE TRIGGER users_search_insert_imported AFTER INSERT ON users WHEN new.import_key IS NOT NULL BEGIN
    INSERT INTO users_search_queue (user_rowid) VALUES (new.rowid);
END;

-- A queued user is indexed with the values it has when its queue row goes, so a change meanwhile needs no row.
DROP TRIGGER users_search_update;
CREATE TRIGGER users_search_update AFTER UPDATE OF name_key, email, deleted_email ON users
    WHEN NOT EXISTS (SELECT 1 FROM users_search_queue WHERE user_rowid = old.rowid) BEGIN
    DELETE FROM users_search WHERE rowid = old.rowid;
    INSERT INTO users_search (rowid, name_key, email)
        VALUES (new.rowid, new.name_key, COALESCE(new.deleted_email, new.email));
END;

-- A purged user leaves both (its queue row's trigger finds no user row any more: nothing is indexed).
DROP TRIGGER users_search_delete;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search WHERE rowid = old.rowid;
    DELETE FROM users_search_queue WHERE user_rowid = old.rowid;
END;

CREATE TRIGGER users_search_queue_done AFTER DELETE ON users_search_queue BEGIN
    INSERT INTO users_search (rowid, name_key, email)
        SELECT rowid, name_key, COALESCE(deleted_email, email) FROM users WHERE rowid = old.user_rowid;
END;
