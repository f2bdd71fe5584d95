-- SlapOS master store, schema version 3 (PostgreSQL): change stamps.
-- Every change a node must apply moves its computer's change_stamp in the same transaction as the change
-- (a value from a sequence: no hot row shared by all writers) and sends NOTIFY slapos_computer_changes
-- with the computer's reference, delivered at commit. Each master LISTENs on one connection.
ALTER TABLE computers ADD COLUMN change_stamp BIGINT NOT NULL DEFAULT 0;
CREATE INDEX computers_change_stamp ON computers (change_stamp);
CREATE SEQUENCE computer_change_stamps AS BIGINT;
