-- Accounts, their bearer tokens (only the SHA-256 of each token is kept) and the audit log.

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'planner', 'grid_leader', 'dispatcher', 'viewer')),
    -- An area code; not a foreign key, so that areas can be re-imported or retired under an account.
    scope_code    TEXT,
    password_hash TEXT NOT NULL,                    -- Argon2id PHC string
    created_at    TEXT NOT NULL
);

CREATE TABLE tokens (
    hash       BLOB PRIMARY KEY,                    -- SHA-256 of the token
    user_name  TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,                       -- RFC 3339, UTC
    revoked_at TEXT
);
CREATE INDEX tokens_user_name ON tokens (user_name);

-- Never updated or deleted by gridmap. Times are RFC 3339 UTC with microseconds, so text order is time order.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    user_name TEXT NOT NULL,
    role      TEXT,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    codes     TEXT NOT NULL DEFAULT '[]',           -- JSON array of feature codes
    remote    TEXT,
    detail    TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user_name ON audit_log (user_name, at);
