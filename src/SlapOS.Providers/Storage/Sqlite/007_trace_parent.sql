-- SlapOS master store, schema version 7 (SQLite): the W3C trace context (traceparent) of the request that last
-- changed an instance, so that the node's runs for it join that trace (docs/observability.md).
ALTER TABLE instances ADD COLUMN trace_parent TEXT NULL;
