-- SlapOS master store, schema version 6 (SQL Server): request paths by key.
-- A partition's own instance is found by (computer, partition, shared) without reading the shared instances
-- its partition hosts (a front-end partition may host thousands).
DROP INDEX ix_instances_partition ON instances;
CREATE INDEX ix_instances_partition ON instances (computer_reference, partition_reference, shared);
