-- SlapOS master store, schema version 5 (SQL Server): a shared instance may have the title of an ordinary instance
-- of the same requester (SlapOS and slapproxy keep them apart): the unique key becomes (requester, title hash, shared).
DROP INDEX ux_instances_requester_title ON instances;
CREATE UNIQUE INDEX ux_instances_requester_title_shared ON instances (requester_reference, title_hash, shared);
