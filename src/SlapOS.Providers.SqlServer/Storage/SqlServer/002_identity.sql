-- SlapOS master store, schema version 2 (SQL Server): the identity state every master shares.
-- Onboarding tokens are kept as their SHA-256 (hex) only; certificates as public registry data (never a key).
-- Serial numbers are canonical lower-case hex without leading zeros; times are microseconds since the Unix epoch.
CREATE TABLE onboarding_tokens (
    token_hash  CHAR(64)      COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
    kind        NVARCHAR(16)  COLLATE Latin1_General_100_BIN2 NOT NULL,
    reference   NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    admin       BIT           NOT NULL DEFAULT 0,
    created_at  BIGINT        NOT NULL,
    expires_at  BIGINT        NOT NULL,
    consumed_at BIGINT        NULL
);
CREATE INDEX ix_onboarding_tokens_expires ON onboarding_tokens (expires_at);

CREATE TABLE certificates (
    serial_number     VARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
    kind              NVARCHAR(16)  COLLATE Latin1_General_100_BIN2 NOT NULL,
    reference         NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    admin             BIT           NOT NULL DEFAULT 0,
    not_before        BIGINT        NOT NULL,
    not_after         BIGINT        NOT NULL,
    issued_at         BIGINT        NOT NULL,
    revoked_at        BIGINT        NULL,
    revocation_reason NVARCHAR(32)  COLLATE Latin1_General_100_BIN2 NULL
);
CREATE INDEX ix_certificates_subject ON certificates (kind, reference);
CREATE INDEX ix_certificates_revoked ON certificates (revoked_at);
