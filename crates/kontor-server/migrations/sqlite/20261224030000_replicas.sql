-- replica12 (issue 12): state that several replicas of the portal share through the database.

-- Rate limits and lockouts: one counter per (limit, key) in a fixed window (see `throttle`). Updated in a
-- transaction that locks the attempt's rows (PostgreSQL: FOR UPDATE; SQLite: the write lock), so every
-- replica sees and respects the same counts.
CREATE TABLE rate_limits (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE INDEX rate_limits_last_at ON rate_limits (last_at);

-- Background jobs: a replica runs a job only after claiming its row (a lease); the row says when it is due
-- next and how often it ran.
CREATE TABLE jobs (
    name TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    runs BIGINT NOT NULL DEFAULT 0,
    last_run_at BIGINT,
    last_result TEXT
);

-- Facts about the deployment every replica must agree on (the license-signing key's fingerprint).
CREATE TABLE server_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
