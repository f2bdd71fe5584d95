-- SlapOS master store, schema version 6 (SQLite): request paths by key; change stamps without a shared row.
-- A partition's own instance is found by (computer, partition, shared) without reading the shared instances
-- its partition hosts (a front-end partition may host thousands).
DROP INDEX ix_instances_partition;
CREATE INDEX ix_instances_partition ON instances (computer_reference, partition_reference, shared);
-- A computer's next change stamp is the newest stamp plus one (a seek on computers_change_stamp), set by the
-- statement that makes the change where it can (computer.take-free): SQLite has one writer, so stamps still
-- follow commit order, and computers are never deleted, so the newest stamp never goes back.
DROP TABLE change_sequence;
