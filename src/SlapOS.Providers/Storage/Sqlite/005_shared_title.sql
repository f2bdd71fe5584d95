-- SlapOS master store, schema version 5 (SQLite): a shared instance may have the title of an ordinary instance of
-- the same requester (SlapOS and slapproxy keep them apart): the unique key becomes (requester, title, shared).
DROP INDEX ux_instances_requester_title;
CREATE UNIQUE INDEX ux_instances_requester_title_shared ON instances (requester_reference, title, shared);
