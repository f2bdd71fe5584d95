-- SlapOS master store, schema version 4 (SQL Server): federation.
-- A request forwarded to an external master is an instance here (no partition) and a row of forwarded_instances:
-- where it lives and what that master last said. Re-requests and the requester's tree see the instance.
CREATE TABLE forwarded_instances (
    instance_reference           NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_forwarded_instances PRIMARY KEY,
    master_url                   NVARCHAR(2048) NOT NULL,
    external_title               NVARCHAR(1024) NOT NULL,
    external_reference           NVARCHAR(255) NULL,
    external_computer_reference  NVARCHAR(255) NULL,
    external_partition_reference NVARCHAR(255) NULL,
    synced_at                    BIGINT NULL,
    last_error                   NVARCHAR(MAX) NULL
);
