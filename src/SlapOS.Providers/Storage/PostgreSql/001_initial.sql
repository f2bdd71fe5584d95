-- SlapOS master store, schema version 1 (PostgreSQL).
-- Times are microseconds since the Unix epoch; dictionaries are JSON objects.
CREATE TABLE computers (
    reference        TEXT    NOT NULL PRIMARY KEY,
    title            TEXT    NULL,
    address          TEXT    NULL,
    netmask          TEXT    NULL,
    owner_reference  TEXT    NULL,
    attributes       TEXT    NOT NULL DEFAULT '{}',
    allocation_open  BIGINT  NOT NULL DEFAULT 1,
    last_contact     BIGINT  NULL,
    free_partitions  BIGINT  NOT NULL DEFAULT 0,
    total_partitions BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE partitions (
    computer_reference TEXT    NOT NULL REFERENCES computers (reference),
    reference          TEXT    NOT NULL,
    addresses          TEXT    NOT NULL DEFAULT '[]',
    tap                TEXT    NULL,
    state              TEXT    NOT NULL DEFAULT 'free',
    instance_reference TEXT    NULL,
    version            BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (computer_reference, reference)
);
CREATE INDEX ix_partitions_free ON partitions (computer_reference, state, reference);

CREATE TABLE supplies (
    computer_reference   TEXT    NOT NULL REFERENCES computers (reference),
    software_release_url TEXT    NOT NULL,
    requested_state      TEXT    NOT NULL,
    reported_state       TEXT    NULL,
    error_message        TEXT    NULL,
    reported_at          BIGINT  NULL,
    PRIMARY KEY (computer_reference, software_release_url)
);

CREATE TABLE instances (
    reference               TEXT    NOT NULL PRIMARY KEY,
    title                   TEXT    NOT NULL,
    requester_reference     TEXT    NOT NULL,
    root_reference          TEXT    NOT NULL,
    software_release_url    TEXT    NOT NULL,
    software_type           TEXT    NOT NULL,
    parameters              TEXT    NOT NULL,
    sla                     TEXT    NOT NULL,
    requested_state         TEXT    NOT NULL,
    shared                  BIGINT  NOT NULL,
    computer_reference      TEXT    NULL,
    partition_reference     TEXT    NULL,
    host_instance_reference TEXT    NULL,
    connection_parameters   TEXT    NOT NULL DEFAULT '{}',
    timestamp_us            BIGINT  NOT NULL,
    reported_state          TEXT    NOT NULL DEFAULT 'none',
    error_message           TEXT    NULL,
    reported_at             BIGINT  NULL,
    version                 BIGINT  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ux_instances_requester_title ON instances (requester_reference, title);
CREATE INDEX ix_instances_root ON instances (root_reference);
CREATE INDEX ix_instances_host ON instances (host_instance_reference);
CREATE INDEX ix_instances_partition ON instances (computer_reference, partition_reference);
CREATE INDEX ix_instances_release ON instances (software_release_url, software_type);

CREATE TABLE usage_records (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    computer_reference  TEXT    NOT NULL,
    partition_reference TEXT    NOT NULL,
    instance_reference  TEXT    NULL,
    period_start        BIGINT  NOT NULL,
    period_end          BIGINT  NOT NULL,
    cpu_seconds         DOUBLE PRECISION NOT NULL,
    memory_bytes        BIGINT  NOT NULL,
    disk_bytes          BIGINT  NOT NULL,
    process_count       BIGINT  NOT NULL
);
CREATE INDEX ix_usage_records_computer ON usage_records (computer_reference, period_start);
