-- SlapOS master store, schema version 3 (SQLite): change stamps.
-- Every change a node must apply moves its computer's change_stamp in the same transaction as the change,
-- to the next value of the one change_sequence row (SQLite has one writer: stamps follow commit order).
-- Other masters on the same file poll "change_stamp > last seen" (an index range scan) every 250 ms.
ALTER TABLE computers ADD COLUMN change_stamp INTEGER NOT NULL DEFAULT 0;
CREATE INDEX computers_change_stamp ON computers (change_stamp);
CREATE TABLE change_sequence (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_sequence (id, value) VALUES (1, 0);
