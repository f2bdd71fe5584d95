-- SlapOS master store queries (SQL Server). Each query starts with "-- name: <key>"; every dialect has the same keys.
-- T-SQL: MERGE ... WITH (HOLDLOCK) for upserts, OUTPUT for RETURNING, TOP for LIMIT; BIT columns are read as BIGINT.

-- name: schema.create
IF OBJECT_ID(N'schema_version', N'U') IS NULL
    CREATE TABLE schema_version (version BIGINT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL);

-- name: schema.lock
-- Owned by the migration's transaction: released by its commit or rollback, never left behind on a pooled connection.
DECLARE @result INT;
EXEC @result = sp_getapplock @Resource = N'SlapOS.Master.Schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1;
IF @result < 0
    THROW 51000, N'SlapOS: could not take the schema migration lock (sp_getapplock).', 1;

-- name: schema.current
SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_version

-- name: schema.record
INSERT INTO schema_version (version, applied_at) VALUES (@Version, @AppliedAt)

-- name: computer.upsert
-- Parameters are used directly (not through a derived table): their collation always yields to the column's.
MERGE computers WITH (HOLDLOCK) AS t
USING (SELECT 1 AS one) AS s
ON t.reference = @Reference
WHEN MATCHED THEN UPDATE SET
    title = @Title,
    address = COALESCE(@Address, t.address),
    netmask = COALESCE(@Netmask, t.netmask),
    owner_reference = @OwnerReference,
    attributes = @Attributes,
    allocation_open = @AllocationOpen
WHEN NOT MATCHED THEN
    INSERT (reference, title, address, netmask, owner_reference, attributes, allocation_open)
    VALUES (@Reference, @Title, @Address, @Netmask, @OwnerReference, @Attributes, @AllocationOpen);

-- name: computer.ensure
MERGE computers WITH (HOLDLOCK) AS t
USING (SELECT 1 AS one) AS s
ON t.reference = @Reference
WHEN MATCHED THEN UPDATE SET
    address = COALESCE(@Address, t.address),
    netmask = COALESCE(@Netmask, t.netmask)
WHEN NOT MATCHED THEN
    INSERT (reference, address, netmask) VALUES (@Reference, @Address, @Netmask);

-- name: computer.select
SELECT reference, title, address, netmask, owner_reference, attributes, CAST(allocation_open AS BIGINT) AS allocation_open, last_contact FROM computers

-- name: computer.touch
UPDATE computers SET last_contact = @At WHERE reference = @Reference

-- name: computer.recount
UPDATE computers SET
    free_partitions = (SELECT COUNT_BIG(*) FROM partitions p WHERE p.computer_reference = @Reference AND p.state = N'free'),
    total_partitions = (SELECT COUNT_BIG(*) FROM partitions p WHERE p.computer_reference = @Reference)
WHERE reference = @Reference

-- name: computer.take-free
-- Also moves the computer's change stamp (after the computer row, as every writer locks them): the allocation
-- needs no separate change.bump. Rows affected are 0 when nothing was taken.
UPDATE computers SET free_partitions = free_partitions - 1
WHERE reference = @Computer AND free_partitions > 0 AND allocation_open = 1;
IF @@ROWCOUNT > 0
BEGIN
    UPDATE change_sequence SET value = value + 1 WHERE id = 1;
    UPDATE computers SET change_stamp = (SELECT value FROM change_sequence WHERE id = 1) WHERE reference = @Computer;
END

-- name: computer.give-free
UPDATE computers SET free_partitions = free_partitions + 1 WHERE reference = @Computer

-- name: candidate.list
SELECT c.reference, c.title, c.address, c.netmask, c.owner_reference, c.attributes, CAST(c.allocation_open AS BIGINT) AS allocation_open,
       c.last_contact, c.free_partitions, c.total_partitions,
       CAST(CASE WHEN s.reported_state = N'available' THEN 1 ELSE 0 END AS BIGINT) AS installed
FROM computers c
LEFT JOIN supplies s ON s.computer_reference = c.reference
    AND s.url_hash = CAST(HASHBYTES('SHA2_256', CAST(@Url AS NVARCHAR(2048))) AS BINARY(32)) AND s.software_release_url = @Url
ORDER BY c.reference

-- name: candidate.computers
SELECT reference, title, address, netmask, owner_reference, attributes, CAST(allocation_open AS BIGINT) AS allocation_open, last_contact,
       free_partitions, total_partitions
FROM computers ORDER BY reference

-- name: candidate.installed
SELECT computer_reference, software_release_url FROM supplies WHERE reported_state = N'available'

-- name: partition.list
SELECT computer_reference, reference, addresses, tap, state, instance_reference, version
FROM partitions WHERE computer_reference = @Computer ORDER BY reference

-- name: partition.insert
INSERT INTO partitions (computer_reference, reference, addresses, tap) VALUES (@Computer, @Reference, @Addresses, @Tap)

-- name: partition.update
UPDATE partitions SET addresses = @Addresses, tap = @Tap, version = version + 1
WHERE computer_reference = @Computer AND reference = @Reference

-- name: partition.delete-free
DELETE FROM partitions WHERE computer_reference = @Computer AND reference = @Reference AND state = N'free'

-- name: partition.reserve
-- The first free partition nobody else holds: READPAST skips rows another transaction has locked (SKIP LOCKED).
WITH f AS (
    SELECT TOP (1) reference, state, instance_reference, version
    FROM partitions WITH (UPDLOCK, READPAST, ROWLOCK)
    WHERE computer_reference = @Computer AND state = N'free'
    ORDER BY reference
)
UPDATE f SET state = N'busy', instance_reference = @Instance, version = version + 1
OUTPUT inserted.reference;

-- name: allocation.reserve
-- PostgreSQL's one-statement allocation (see its queries.sql), kept here for key parity: this store reserves with
-- computer.take-free, partition.reserve and instance.insert in its write transaction. The same steps as one batch,
-- to run inside a write transaction; no row back means nothing was reserved and the transaction must roll back.
DECLARE @Partition NVARCHAR(255);
UPDATE computers SET free_partitions = free_partitions - 1
WHERE reference = @ComputerReference AND free_partitions > 0 AND allocation_open = 1;
IF @@ROWCOUNT > 0
BEGIN
    UPDATE change_sequence SET value = value + 1 WHERE id = 1;
    UPDATE computers SET change_stamp = (SELECT value FROM change_sequence WHERE id = 1) WHERE reference = @ComputerReference;
    WITH f AS (
        SELECT TOP (1) reference, state, instance_reference, version
        FROM partitions WITH (UPDLOCK, READPAST, ROWLOCK)
        WHERE computer_reference = @ComputerReference AND state = N'free'
        ORDER BY reference
    )
    UPDATE f SET state = N'busy', instance_reference = @Reference, version = version + 1, @Partition = reference;
    IF @Partition IS NOT NULL
        INSERT INTO instances (reference, title, requester_reference, root_reference, software_release_url, software_type, parameters, sla,
               requested_state, shared, computer_reference, partition_reference, host_instance_reference, connection_parameters,
               timestamp_us, reported_state, error_message, reported_at, version, trace_parent)
        OUTPUT inserted.partition_reference
        VALUES (@Reference, @Title, @RequesterReference, @RootReference, @SoftwareReleaseUrl, @SoftwareType, @Parameters, @Sla,
               @RequestedState, @Shared, @ComputerReference, @Partition, NULL, @ConnectionParameters,
               @TimestampUs, @ReportedState, @ErrorMessage, @ReportedAt, 0, @TraceParent);
END

-- name: partition.free
UPDATE partitions SET state = N'free', instance_reference = NULL, version = version + 1
WHERE computer_reference = @Computer AND reference = @Reference AND instance_reference = @Instance

-- name: supply.set
MERGE supplies WITH (HOLDLOCK) AS t
USING (SELECT 1 AS one) AS s
ON t.computer_reference = @Computer
    AND t.url_hash = CAST(HASHBYTES('SHA2_256', CAST(@Url AS NVARCHAR(2048))) AS BINARY(32)) AND t.software_release_url = @Url
WHEN MATCHED THEN UPDATE SET requested_state = @State
WHEN NOT MATCHED THEN
    INSERT (computer_reference, software_release_url, requested_state) VALUES (@Computer, @Url, @State);

-- name: supply.report
MERGE supplies WITH (HOLDLOCK) AS t
USING (SELECT 1 AS one) AS s
ON t.computer_reference = @Computer
    AND t.url_hash = CAST(HASHBYTES('SHA2_256', CAST(@Url AS NVARCHAR(2048))) AS BINARY(32)) AND t.software_release_url = @Url
WHEN MATCHED THEN UPDATE SET
    reported_state = @State, error_message = @Error, reported_at = @At
WHEN NOT MATCHED THEN
    INSERT (computer_reference, software_release_url, requested_state, reported_state, error_message, reported_at)
    VALUES (@Computer, @Url, N'available', @State, @Error, @At);

-- name: supply.list
SELECT computer_reference, software_release_url, requested_state, reported_state, error_message, reported_at
FROM supplies WHERE computer_reference = @Computer ORDER BY software_release_url

-- name: instance.select
SELECT reference, title, requester_reference, root_reference, software_release_url, software_type, parameters, sla,
       requested_state, CAST(shared AS BIGINT) AS shared, computer_reference, partition_reference, host_instance_reference,
       connection_parameters, timestamp_us, reported_state, error_message, reported_at, version, trace_parent
FROM instances

-- name: instance.insert
INSERT INTO instances (reference, title, requester_reference, root_reference, software_release_url, software_type, parameters, sla,
       requested_state, shared, computer_reference, partition_reference, host_instance_reference, connection_parameters,
       timestamp_us, reported_state, error_message, reported_at, version, trace_parent)
VALUES (@Reference, @Title, @RequesterReference, @RootReference, @SoftwareReleaseUrl, @SoftwareType, @Parameters, @Sla,
       @RequestedState, @Shared, @ComputerReference, @PartitionReference, @HostInstanceReference, @ConnectionParameters,
       @TimestampUs, @ReportedState, @ErrorMessage, @ReportedAt, 0, @TraceParent)

-- name: instance.update
UPDATE instances SET title = @Title, software_release_url = @SoftwareReleaseUrl, software_type = @SoftwareType,
       parameters = @Parameters, sla = @Sla, requested_state = @RequestedState,
       host_instance_reference = @HostInstanceReference, connection_parameters = @ConnectionParameters,
       timestamp_us = @TimestampUs, reported_state = @ReportedState, error_message = @ErrorMessage,
       reported_at = @ReportedAt, trace_parent = @TraceParent, version = version + 1
WHERE reference = @Reference AND version = @Version

-- name: instance.delete
DELETE FROM instances
OUTPUT deleted.computer_reference, deleted.partition_reference, CAST(deleted.shared AS BIGINT) AS shared
WHERE reference = @Reference

-- name: usage.insert
INSERT INTO usage_records (computer_reference, partition_reference, instance_reference, period_start, period_end,
       cpu_seconds, memory_bytes, disk_bytes, process_count)
VALUES (@ComputerReference, @PartitionReference, @InstanceReference, @PeriodStart, @PeriodEnd,
       @CpuSeconds, @MemoryBytes, @DiskBytes, @ProcessCount)

-- name: usage.list
SELECT computer_reference, partition_reference, instance_reference, period_start, period_end,
       cpu_seconds, memory_bytes, disk_bytes, process_count
FROM usage_records
WHERE (@Computer IS NULL OR computer_reference = @Computer) AND period_start >= @Start AND period_start < @End
ORDER BY period_start, id

-- name: token.insert
INSERT INTO onboarding_tokens (token_hash, kind, reference, admin, created_at, expires_at) VALUES (@TokenHash, @Kind, @Reference, @Admin, @CreatedAt, @ExpiresAt)

-- name: token.purge
DELETE FROM onboarding_tokens WHERE expires_at < @Before

-- name: token.consume
-- The one conditional update that makes a token single-use across every master.
UPDATE onboarding_tokens SET consumed_at = @Now
OUTPUT inserted.token_hash, inserted.kind, inserted.reference, CAST(inserted.admin AS BIGINT) AS admin, inserted.created_at, inserted.expires_at
WHERE token_hash = @TokenHash AND kind = @Kind AND reference = @Reference AND consumed_at IS NULL

-- name: certificate.insert
-- HOLDLOCK makes the existence check and the insert one step; a race still ends in the key violation, read as "taken".
INSERT INTO certificates (serial_number, kind, reference, admin, not_before, not_after, issued_at)
SELECT @SerialNumber, @Kind, @Reference, @Admin, @NotBefore, @NotAfter, @IssuedAt
WHERE NOT EXISTS (SELECT 1 FROM certificates WITH (UPDLOCK, HOLDLOCK) WHERE serial_number = @SerialNumber)

-- name: certificate.select
SELECT serial_number, kind, reference, CAST(admin AS BIGINT) AS admin, not_before, not_after, issued_at, revoked_at, revocation_reason FROM certificates

-- name: certificate.revoke
-- An earlier revocation is kept; a later one (a renewal's grace) is brought forward.
UPDATE certificates SET revoked_at = @At, revocation_reason = @Reason
WHERE serial_number = @SerialNumber AND (revoked_at IS NULL OR revoked_at > @At)

-- name: certificate.revoke-subject
UPDATE certificates SET revoked_at = @At, revocation_reason = @Reason
WHERE kind = @Kind AND reference = @Reference AND serial_number <> @Except AND not_after > @Now
  AND (revoked_at IS NULL OR revoked_at > @At)

-- name: certificate.revoked
SELECT serial_number, kind, reference, CAST(admin AS BIGINT) AS admin, not_before, not_after, issued_at, revoked_at, revocation_reason FROM certificates
WHERE revoked_at IS NOT NULL AND revoked_at <= @Now AND not_after > @Now
ORDER BY serial_number
-- name: change.bump
UPDATE change_sequence SET value = value + 1 WHERE id = 1;
UPDATE computers SET change_stamp = (SELECT value FROM change_sequence WHERE id = 1) WHERE reference = @Computer

-- name: change.stamp
SELECT change_stamp FROM computers WHERE reference = @Computer

-- name: change.since
SELECT reference, change_stamp FROM computers WHERE change_stamp > @Since ORDER BY change_stamp

-- name: change.latest
SELECT COALESCE(MAX(change_stamp), 0) FROM computers

-- name: instance.change-of
SELECT timestamp_us, requested_state, root_reference, computer_reference FROM instances WHERE reference = @Reference

-- name: instance.tree-computers
SELECT DISTINCT computer_reference FROM instances
WHERE root_reference = @Root AND computer_reference IS NOT NULL ORDER BY computer_reference

-- name: forward.insert
INSERT INTO forwarded_instances (instance_reference, master_url, external_title, external_reference,
       external_computer_reference, external_partition_reference, synced_at, last_error)
VALUES (@InstanceReference, @MasterUrl, @ExternalTitle, @ExternalReference,
       @ExternalComputerReference, @ExternalPartitionReference, @SyncedAt, @LastError)

-- name: forward.select
SELECT instance_reference, master_url, external_title, external_reference, external_computer_reference,
       external_partition_reference, synced_at, last_error
FROM forwarded_instances

-- name: forward.update
UPDATE forwarded_instances SET master_url = @MasterUrl, external_title = @ExternalTitle, external_reference = @ExternalReference,
       external_computer_reference = @ExternalComputerReference, external_partition_reference = @ExternalPartitionReference,
       synced_at = @SyncedAt, last_error = @LastError
WHERE instance_reference = @InstanceReference

-- name: forward.delete
DELETE FROM forwarded_instances WHERE instance_reference = @InstanceReference

-- name: partition.get
SELECT computer_reference, reference, addresses, tap, state, instance_reference, version
FROM partitions WHERE computer_reference = @Computer AND reference = @Reference

-- name: computer.capacity
-- One row per computer from its counters; reserved = busy partitions of instances requested destroyed (index ix_instances_partition).
SELECT c.reference, c.title, c.owner_reference, CAST(c.allocation_open AS BIGINT) AS allocation_open, c.last_contact,
       c.free_partitions, c.total_partitions,
       CAST((SELECT COUNT(*) FROM instances i
        WHERE i.computer_reference = c.reference AND i.partition_reference IS NOT NULL
          AND i.shared = 0 AND i.requested_state = N'destroyed') AS BIGINT) AS reserved_partitions
FROM computers c
ORDER BY c.reference
