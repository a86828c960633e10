-- Kontor portal schema, SQLite flavour. Timestamps are unix seconds, money integer cents, dates ISO text.
CREATE TABLE products (
    id   TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE packages (
    id   TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE package_products (
    package_id TEXT NOT NULL REFERENCES packages(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    PRIMARY KEY (package_id, product_id)
);

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    customer_number TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE TABLE subscriptions (
    account_id         TEXT PRIMARY KEY REFERENCES accounts(id),
    package_id         TEXT NOT NULL REFERENCES packages(id),
    started_on         TEXT NOT NULL,
    renews_on          TEXT NOT NULL,
    license_expires_on TEXT NOT NULL
);

CREATE TABLE subscription_seats (
    account_id       TEXT NOT NULL REFERENCES subscriptions(account_id),
    product_id       TEXT NOT NULL REFERENCES products(id),
    seats            INTEGER NOT NULL CHECK (seats >= 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    currency         TEXT NOT NULL,
    PRIMARY KEY (account_id, product_id)
);

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    email                TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'billing', 'user')),
    password_hash        TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    deleted_at           INTEGER
);
CREATE INDEX users_account ON users(account_id);

CREATE TABLE license_assignments (
    user_id     TEXT NOT NULL REFERENCES users(id),
    product_id  TEXT NOT NULL REFERENCES products(id),
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, product_id)
);

CREATE TABLE sessions (
    id                 TEXT PRIMARY KEY,
    family_id          TEXT NOT NULL,
    user_id            TEXT NOT NULL REFERENCES users(id),
    account_id         TEXT NOT NULL REFERENCES accounts(id),
    access_hash        TEXT NOT NULL UNIQUE,
    access_expires_at  INTEGER NOT NULL,
    refresh_hash       TEXT NOT NULL UNIQUE,
    refresh_expires_at INTEGER NOT NULL,
    remember           INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    rotated_at         INTEGER,
    revoked_at         INTEGER,
    ip                 TEXT
);
CREATE INDEX sessions_family ON sessions(family_id);

CREATE TABLE license_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE invoices (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    number       TEXT NOT NULL UNIQUE,
    issued_on    TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'paid', 'overdue', 'void'))
);
CREATE INDEX invoices_account ON invoices(account_id, issued_on);

CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    actor_user_id TEXT REFERENCES users(id),
    event         TEXT NOT NULL,
    target        TEXT,
    ip            TEXT,
    at            INTEGER NOT NULL
);
CREATE INDEX audit_events_account ON audit_events(account_id, at);
