-- SlapOS master store, schema version 2 (Sqlite): the identity state every master shares.
-- Onboarding tokens are kept as their SHA-256 (hex) only; certificates as public registry data (never a key).
-- Serial numbers are canonical lower-case hex without leading zeros; times are microseconds since the Unix epoch.
CREATE TABLE onboarding_tokens (
    token_hash  TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    reference   TEXT    NOT NULL,
    admin       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    consumed_at INTEGER NULL
);
CREATE INDEX ix_onboarding_tokens_expires ON onboarding_tokens (expires_at);

CREATE TABLE certificates (
    serial_number     TEXT    NOT NULL PRIMARY KEY,
    kind              TEXT    NOT NULL,
    reference         TEXT    NOT NULL,
    admin             INTEGER NOT NULL DEFAULT 0,
    not_before        INTEGER NOT NULL,
    not_after         INTEGER NOT NULL,
    issued_at         INTEGER NOT NULL,
    revoked_at        INTEGER NULL,
    revocation_reason TEXT    NULL
);
CREATE INDEX ix_certificates_subject ON certificates (kind, reference);
CREATE INDEX ix_certificates_revoked ON certificates (revoked_at);
