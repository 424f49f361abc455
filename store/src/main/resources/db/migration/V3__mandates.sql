-- Mandates: task-scoped authority, written through from the in-memory registry so that state survives a restart.
-- Sets (tools, resources, labels) are space-separated sorted names (names never contain spaces).
-- Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE mandates (
    id            VARCHAR(64) PRIMARY KEY,
    agent         VARCHAR(2048) NOT NULL,
    on_behalf_of  VARCHAR(2048),
    purpose       VARCHAR(128) NOT NULL,
    tools         VARCHAR NOT NULL,
    resources     VARCHAR NOT NULL,
    tier          VARCHAR(20) NOT NULL,
    parent_id     VARCHAR(64) REFERENCES mandates (id),
    depth         INT NOT NULL,
    issued_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    max_expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ttl_millis    BIGINT NOT NULL,
    state         VARCHAR(10) NOT NULL,
    flow_labels   VARCHAR NOT NULL,
    label_ceiling VARCHAR NOT NULL,
    call_budget   INT NOT NULL,
    ended_at      TIMESTAMP WITH TIME ZONE,
    end_reason    VARCHAR(4096)
);

CREATE INDEX mandates_agent ON mandates (agent);
CREATE INDEX mandates_parent ON mandates (parent_id);
