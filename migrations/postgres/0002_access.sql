-- Accounts, their bearer tokens (only the SHA-256 of each token is kept) and the audit log.

CREATE TABLE users (
    name          text PRIMARY KEY,
    role          text NOT NULL CHECK (role IN ('admin', 'planner', 'grid_leader', 'dispatcher', 'viewer')),
    -- An area code; not a foreign key, so that areas can be re-imported or retired under an account.
    scope_code    text,
    password_hash text NOT NULL,                    -- Argon2id PHC string
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tokens (
    hash       bytea PRIMARY KEY,                   -- SHA-256 of the token
    user_name  text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX tokens_user_name ON tokens (user_name);

-- Never updated or deleted by gridmap.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    user_name text NOT NULL,
    role      text,
    action    text NOT NULL,
    target    text NOT NULL,
    codes     jsonb NOT NULL DEFAULT '[]',          -- array of feature codes
    remote    text,
    detail    text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user_name ON audit_log (user_name, at);
CREATE INDEX audit_log_codes ON audit_log USING gin (codes);
