-- SlapOS master store, schema version 3 (SQL Server): change stamps.
-- Every change a node must apply moves its computer's change_stamp in the same transaction as the change,
-- to the next value of the one change_sequence row: the row stays locked until commit, so stamps follow
-- commit order and other masters poll "change_stamp > last seen" (an index range scan) every 250 ms.
-- The index and the first row go through EXEC: a batch is compiled whole, before the column exists.
ALTER TABLE computers ADD change_stamp BIGINT NOT NULL CONSTRAINT df_computers_change_stamp DEFAULT 0;
EXEC (N'CREATE INDEX computers_change_stamp ON computers (change_stamp)');
CREATE TABLE change_sequence (
    id    INT    NOT NULL CONSTRAINT pk_change_sequence PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
EXEC (N'INSERT INTO change_sequence (id, value) VALUES (1, 0)');
