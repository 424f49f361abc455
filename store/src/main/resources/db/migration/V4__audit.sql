-- The hash-chained audit log (see dev.mandate.core.audit.AuditEvent for the canonical form the hash covers).
-- Append-only: Mandate never updates or deletes these rows. Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE audit_events (
    seq         BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    event_type  VARCHAR(200) NOT NULL,
    actor       VARCHAR(4096) NOT NULL,
    subject     VARCHAR(4096) NOT NULL,
    reason      VARCHAR(4096),
    details     VARCHAR NOT NULL,
    prev_hash   VARCHAR(64) NOT NULL,
    hash        VARCHAR(64) NOT NULL
);

-- Signed checkpoints: a JWS over (seq, hash) of an event, made every audit.checkpoint-every events.
CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    hash       VARCHAR(64) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    signature  VARCHAR(8192) NOT NULL
);
