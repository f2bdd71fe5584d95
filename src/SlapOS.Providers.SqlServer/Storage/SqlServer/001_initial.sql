-- SlapOS master store, schema version 1 (SQL Server 2016 or later, Azure SQL).
-- Times are microseconds since the Unix epoch (BIGINT, as in the other dialects); dictionaries are JSON
-- objects in NVARCHAR(MAX); flags are BIT. References, titles, URLs and states use a binary collation so
-- that comparisons and ORDER BY are ordinal, as in SQLite and PostgreSQL, whatever the database's collation.
-- Index keys are limited to 900 bytes (clustered) and 1,700 bytes (nonclustered): a title (up to 1,024
-- characters) and a release URL (up to 2,048) are indexed through a SHA-256 of their text.
CREATE TABLE computers (
    reference        NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
    title            NVARCHAR(1024) COLLATE Latin1_General_100_BIN2 NULL,
    address          NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    netmask          NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    owner_reference  NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    attributes       NVARCHAR(MAX) NOT NULL DEFAULT N'{}',
    allocation_open  BIT           NOT NULL DEFAULT 1,
    last_contact     BIGINT        NULL,
    free_partitions  BIGINT        NOT NULL DEFAULT 0,
    total_partitions BIGINT        NOT NULL DEFAULT 0
);

CREATE TABLE partitions (
    computer_reference NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL REFERENCES computers (reference),
    reference          NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    addresses          NVARCHAR(MAX) NOT NULL DEFAULT N'[]',
    tap                NVARCHAR(MAX) NULL,
    state              NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL DEFAULT N'free',
    instance_reference NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    version            BIGINT        NOT NULL DEFAULT 0,
    -- Two references are 1,020 bytes: too long for a clustered key, fine for a nonclustered one.
    CONSTRAINT pk_partitions PRIMARY KEY NONCLUSTERED (computer_reference, reference)
);
CREATE CLUSTERED INDEX cx_partitions_computer ON partitions (computer_reference);
CREATE INDEX ix_partitions_free ON partitions (computer_reference, state, reference);

CREATE TABLE supplies (
    computer_reference   NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL REFERENCES computers (reference),
    software_release_url NVARCHAR(2048) COLLATE Latin1_General_100_BIN2 NOT NULL,
    url_hash             AS CAST(HASHBYTES('SHA2_256', software_release_url) AS BINARY(32)) PERSISTED NOT NULL,
    requested_state      NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    reported_state       NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NULL,
    error_message        NVARCHAR(MAX) NULL,
    reported_at          BIGINT        NULL,
    CONSTRAINT pk_supplies PRIMARY KEY (computer_reference, url_hash)
);

CREATE TABLE instances (
    reference               NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY,
    title                   NVARCHAR(1024) COLLATE Latin1_General_100_BIN2 NOT NULL,
    title_hash              AS CAST(HASHBYTES('SHA2_256', title) AS BINARY(32)) PERSISTED NOT NULL,
    requester_reference     NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    root_reference          NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    software_release_url    NVARCHAR(2048) COLLATE Latin1_General_100_BIN2 NOT NULL,
    software_type           NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    parameters              NVARCHAR(MAX) NOT NULL,
    sla                     NVARCHAR(MAX) NOT NULL,
    requested_state         NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    shared                  BIT           NOT NULL,
    computer_reference      NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    partition_reference     NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    host_instance_reference NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    connection_parameters   NVARCHAR(MAX) NOT NULL DEFAULT N'{}',
    timestamp_us            BIGINT        NOT NULL,
    reported_state          NVARCHAR(16) COLLATE Latin1_General_100_BIN2 NOT NULL DEFAULT N'none',
    error_message           NVARCHAR(MAX) NULL,
    reported_at             BIGINT        NULL,
    version                 BIGINT        NOT NULL DEFAULT 0
);
-- (requester, title) is unique: the SHA-256 of the title stands for it in the key (SHA-256 collisions aside, the same constraint).
CREATE UNIQUE INDEX ux_instances_requester_title ON instances (requester_reference, title_hash);
CREATE INDEX ix_instances_root ON instances (root_reference);
CREATE INDEX ix_instances_host ON instances (host_instance_reference);
CREATE INDEX ix_instances_partition ON instances (computer_reference, partition_reference);

CREATE TABLE usage_records (
    id                  BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    computer_reference  NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    partition_reference NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    instance_reference  NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NULL,
    period_start        BIGINT        NOT NULL,
    period_end          BIGINT        NOT NULL,
    cpu_seconds         FLOAT         NOT NULL,
    memory_bytes        BIGINT        NOT NULL,
    disk_bytes          BIGINT        NOT NULL,
    process_count       BIGINT        NOT NULL
);
CREATE INDEX ix_usage_records_computer ON usage_records (computer_reference, period_start);
