-- Help and support (issue 9, support9): tickets a user files from the app and their attachments. The
-- attachments' bytes are stored in the database (at most 5 files, 10 MB together, checked by the server
-- before the insert), so a backup of the database holds the whole ticket.

CREATE TABLE support_tickets (
    id             TEXT PRIMARY KEY,
    reference      TEXT NOT NULL UNIQUE,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    user_id        TEXT NOT NULL REFERENCES users(id),
    category       TEXT NOT NULL CHECK (category IN ('question', 'problem', 'billing', 'licenses', 'feedback')),
    subject        TEXT NOT NULL,
    message        TEXT NOT NULL,
    contact_phone  TEXT,
    diagnostics    TEXT,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at     BIGINT NOT NULL,
    closed_at      BIGINT
);
CREATE INDEX support_tickets_user ON support_tickets (account_id, user_id, created_at);
CREATE INDEX support_tickets_status ON support_tickets (status, created_at);

CREATE TABLE support_attachments (
    ticket_id      TEXT NOT NULL REFERENCES support_tickets(id),
    position       BIGINT NOT NULL,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    data           BYTEA NOT NULL,
    PRIMARY KEY (ticket_id, position)
);
