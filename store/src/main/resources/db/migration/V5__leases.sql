-- Just-in-time credential leases. A row exists before its credential does and stays after it is gone, so a crash
-- never leaves a credential that start-up restore cannot find. Never holds a secret. Portable: H2 and PostgreSQL.
CREATE TABLE leases (
    id          VARCHAR(64)   PRIMARY KEY,
    mandate_id  VARCHAR(2048) NOT NULL,
    agent       VARCHAR(2048) NOT NULL,
    backend     VARCHAR(63)   NOT NULL,
    scope       VARCHAR(1000) NOT NULL,
    issued_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    ttl_ms      BIGINT        NOT NULL,
    max_ttl_ms  BIGINT        NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    renewable   BOOLEAN       NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    end_reason  VARCHAR(2048),
    CONSTRAINT leases_state_known CHECK (state IN ('active', 'revoking', 'revoked', 'expired'))
);
CREATE INDEX leases_mandate ON leases (mandate_id);
CREATE INDEX leases_agent ON leases (agent);
CREATE INDEX leases_state ON leases (state);
