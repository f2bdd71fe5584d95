-- SlapOS master store queries (PostgreSQL). Each query starts with "-- name: <key>"; every dialect has the same keys.

-- name: schema.create
CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)

-- name: schema.lock
SELECT pg_advisory_xact_lock(5137245001)

-- name: schema.current
SELECT COALESCE(MAX(version), 0) FROM schema_version

-- name: schema.record
INSERT INTO schema_version (version, applied_at) VALUES (@Version, @AppliedAt)

-- name: computer.upsert
INSERT INTO computers (reference, title, address, netmask, owner_reference, attributes, allocation_open)
VALUES (@Reference, @Title, @Address, @Netmask, @OwnerReference, @Attributes, @AllocationOpen)
ON CONFLICT (reference) DO UPDATE SET
    title = excluded.title,
    address = COALESCE(excluded.address, computers.address),
    netmask = COALESCE(excluded.netmask, computers.netmask),
    owner_reference = excluded.owner_reference,
    attributes = excluded.attributes,
    allocation_open = excluded.allocation_open

-- name: computer.ensure
INSERT INTO computers (reference, address, netmask) VALUES (@Reference, @Address, @Netmask)
ON CONFLICT (reference) DO UPDATE SET
    address = COALESCE(excluded.address, computers.address),
    netmask = COALESCE(excluded.netmask, computers.netmask)

-- name: computer.select
SELECT reference, title, address, netmask, owner_reference, attributes, allocation_open, last_contact FROM computers

-- name: computer.touch
UPDATE computers SET last_contact = @At WHERE reference = @Reference

-- name: computer.recount
UPDATE computers SET
    free_partitions = (SELECT COUNT(*) FROM partitions p WHERE p.computer_reference = @Reference AND p.state = 'free'),
    total_partitions = (SELECT COUNT(*) FROM partitions p WHERE p.computer_reference = @Reference)
WHERE reference = @Reference

-- name: computer.take-free
-- (The store reserves with allocation.reserve on PostgreSQL; this and partition.reserve are the other dialects' steps.)
-- Also moves the computer's change stamp and notifies: the allocation needs no separate change.bump.
UPDATE computers SET free_partitions = free_partitions - 1, change_stamp = nextval('computer_change_stamps')
WHERE reference = @Computer AND free_partitions > 0 AND allocation_open = 1
RETURNING pg_notify('slapos_computer_changes', reference)

-- name: computer.give-free
UPDATE computers SET free_partitions = free_partitions + 1 WHERE reference = @Computer

-- name: candidate.list
SELECT c.reference, c.title, c.address, c.netmask, c.owner_reference, c.attributes, c.allocation_open, c.last_contact,
       c.free_partitions, c.total_partitions,
       CASE WHEN s.reported_state = 'available' THEN 1 ELSE 0 END AS installed
FROM computers c
LEFT JOIN supplies s ON s.computer_reference = c.reference AND s.software_release_url = @Url
ORDER BY c.reference

-- name: candidate.computers
SELECT reference, title, address, netmask, owner_reference, attributes, allocation_open, last_contact, free_partitions, total_partitions
FROM computers ORDER BY reference

-- name: candidate.installed
SELECT computer_reference, software_release_url FROM supplies WHERE reported_state = 'available'

-- name: partition.list
SELECT computer_reference, reference, addresses, tap, state, instance_reference, version
FROM partitions WHERE computer_reference = @Computer ORDER BY reference

-- name: partition.insert
INSERT INTO partitions (computer_reference, reference, addresses, tap) VALUES (@Computer, @Reference, @Addresses, @Tap)

-- name: partition.update
UPDATE partitions SET addresses = @Addresses, tap = @Tap, version = version + 1
WHERE computer_reference = @Computer AND reference = @Reference

-- name: partition.delete-free
DELETE FROM partitions WHERE computer_reference = @Computer AND reference = @Reference AND state = 'free'

-- name: partition.reserve
UPDATE partitions AS p SET state = 'busy', instance_reference = @Instance, version = p.version + 1
FROM (SELECT computer_reference, reference FROM partitions
      WHERE computer_reference = @Computer AND state = 'free'
      ORDER BY reference LIMIT 1 FOR UPDATE SKIP LOCKED) AS f
WHERE p.computer_reference = f.computer_reference AND p.reference = f.reference
RETURNING p.reference

-- name: allocation.reserve
-- A whole allocation in one statement, run on its own (autocommit: one round trip). The first free partition
-- nobody else holds is locked (SKIP LOCKED; a row another taker changed meanwhile is re-checked on its newest
-- version and skipped), then the computer's free count is taken (its row lock serializes takers of one computer;
-- the count and allocation_open are re-checked on the newest row) and its change stamp moved, then the partition
-- is marked busy and the instance inserted. Each step reads the one before, so all of them happen or none:
-- no row back is a lost race, with nothing written. A partition is locked before its computer here (SKIP LOCKED
-- never waits on a partition, so only a format of the same computer can meet it in a deadlock, which the server
-- breaks and the store retries).
WITH picked AS (
    SELECT computer_reference, reference FROM partitions
    WHERE computer_reference = @ComputerReference AND state = 'free'
    ORDER BY reference LIMIT 1 FOR UPDATE SKIP LOCKED
), taken AS (
    UPDATE computers AS c SET free_partitions = c.free_partitions - 1, change_stamp = nextval('computer_change_stamps')
    FROM picked
    WHERE c.reference = picked.computer_reference AND c.free_partitions > 0 AND c.allocation_open = 1
    RETURNING c.reference, pg_notify('slapos_computer_changes', c.reference)
), reserved AS (
    UPDATE partitions AS p SET state = 'busy', instance_reference = @Reference, version = p.version + 1
    FROM picked JOIN taken ON taken.reference = picked.computer_reference
    WHERE p.computer_reference = picked.computer_reference AND p.reference = picked.reference
    RETURNING p.computer_reference, p.reference
)
INSERT INTO instances (reference, title, requester_reference, root_reference, software_release_url, software_type, parameters, sla,
       requested_state, shared, computer_reference, partition_reference, host_instance_reference, connection_parameters,
       timestamp_us, reported_state, error_message, reported_at, version, trace_parent)
SELECT @Reference, @Title, @RequesterReference, @RootReference, @SoftwareReleaseUrl, @SoftwareType, @Parameters, @Sla,
       @RequestedState, @Shared, reserved.computer_reference, reserved.reference, NULL, @ConnectionParameters,
       @TimestampUs, @ReportedState, @ErrorMessage, @ReportedAt, 0, @TraceParent
FROM reserved
RETURNING partition_reference

-- name: partition.free
UPDATE partitions SET state = 'free', instance_reference = NULL, version = version + 1
WHERE computer_reference = @Computer AND reference = @Reference AND instance_reference = @Instance

-- name: supply.set
INSERT INTO supplies (computer_reference, software_release_url, requested_state) VALUES (@Computer, @Url, @State)
ON CONFLICT (computer_reference, software_release_url) DO UPDATE SET requested_state = excluded.requested_state

-- name: supply.report
INSERT INTO supplies (computer_reference, software_release_url, requested_state, reported_state, error_message, reported_at)
VALUES (@Computer, @Url, 'available', @State, @Error, @At)
ON CONFLICT (computer_reference, software_release_url) DO UPDATE SET
    reported_state = excluded.reported_state, error_message = excluded.error_message, reported_at = excluded.reported_at

-- name: supply.list
SELECT computer_reference, software_release_url, requested_state, reported_state, error_message, reported_at
FROM supplies WHERE computer_reference = @Computer ORDER BY software_release_url

-- name: instance.select
SELECT reference, title, requester_reference, root_reference, software_release_url, software_type, parameters, sla,
       requested_state, shared, computer_reference, partition_reference, host_instance_reference, connection_parameters,
       timestamp_us, reported_state, error_message, reported_at, version, trace_parent
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
DELETE FROM instances WHERE reference = @Reference RETURNING computer_reference, partition_reference, shared

-- name: usage.insert
INSERT INTO usage_records (computer_reference, partition_reference, instance_reference, period_start, period_end,
       cpu_seconds, memory_bytes, disk_bytes, process_count)
VALUES (@ComputerReference, @PartitionReference, @InstanceReference, @PeriodStart, @PeriodEnd,
       @CpuSeconds, @MemoryBytes, @DiskBytes, @ProcessCount)

-- name: usage.list
SELECT computer_reference, partition_reference, instance_reference, period_start, period_end,
       cpu_seconds, memory_bytes, disk_bytes, process_count
FROM usage_records
WHERE (CAST(@Computer AS TEXT) IS NULL OR computer_reference = @Computer) AND period_start >= @Start AND period_start < @End
ORDER BY period_start, id

-- name: token.insert
INSERT INTO onboarding_tokens (token_hash, kind, reference, admin, created_at, expires_at) VALUES (@TokenHash, @Kind, @Reference, @Admin, @CreatedAt, @ExpiresAt)

-- name: token.purge
DELETE FROM onboarding_tokens WHERE expires_at < @Before

-- name: token.consume
-- The one conditional update that makes a token single-use across every master.
UPDATE onboarding_tokens SET consumed_at = @Now
WHERE token_hash = @TokenHash AND kind = @Kind AND reference = @Reference AND consumed_at IS NULL
RETURNING token_hash, kind, reference, admin, created_at, expires_at

-- name: certificate.insert
INSERT INTO certificates (serial_number, kind, reference, admin, not_before, not_after, issued_at)
VALUES (@SerialNumber, @Kind, @Reference, @Admin, @NotBefore, @NotAfter, @IssuedAt)
ON CONFLICT (serial_number) DO NOTHING

-- name: certificate.select
SELECT serial_number, kind, reference, admin, not_before, not_after, issued_at, revoked_at, revocation_reason FROM certificates

-- name: certificate.revoke
-- An earlier revocation is kept; a later one (a renewal's grace) is brought forward.
UPDATE certificates SET revoked_at = @At, revocation_reason = @Reason
WHERE serial_number = @SerialNumber AND (revoked_at IS NULL OR revoked_at > @At)

-- name: certificate.revoke-subject
UPDATE certificates SET revoked_at = @At, revocation_reason = @Reason
WHERE kind = @Kind AND reference = @Reference AND serial_number <> @Except AND not_after > @Now
  AND (revoked_at IS NULL OR revoked_at > @At)

-- name: certificate.revoked
SELECT serial_number, kind, reference, admin, not_before, not_after, issued_at, revoked_at, revocation_reason FROM certificates
WHERE revoked_at IS NOT NULL AND revoked_at <= @Now AND not_after > @Now
ORDER BY serial_number
-- name: change.bump
UPDATE computers SET change_stamp = nextval('computer_change_stamps') WHERE reference = @Computer
RETURNING pg_notify('slapos_computer_changes', reference)

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
SELECT c.reference, c.title, c.owner_reference, c.allocation_open, c.last_contact, c.free_partitions, c.total_partitions,
       (SELECT COUNT(*) FROM instances i
        WHERE i.computer_reference = c.reference AND i.partition_reference IS NOT NULL
          AND i.shared = 0 AND i.requested_state = 'destroyed') AS reserved_partitions
FROM computers c
ORDER BY c.reference
