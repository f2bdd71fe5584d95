-- SlapOS master store, schema version 4 (PostgreSQL): federation.
-- A request forwarded to an external master is an instance here (no partition) and a row of forwarded_instances:
-- where it lives and what that master last said. Re-requests and the requester's tree see the instance.
CREATE TABLE forwarded_instances (
    instance_reference           TEXT    NOT NULL PRIMARY KEY,
    master_url                   TEXT    NOT NULL,
    external_title               TEXT    NOT NULL,
    external_reference           TEXT    NULL,
    external_computer_reference  TEXT    NULL,
    external_partition_reference TEXT    NULL,
    synced_at                    BIGINT  NULL,
    last_error                   TEXT    NULL
);
