-- Identity: signing key sets, registered agents, one-time join tokens. Portable SQL: runs on H2 and PostgreSQL.

-- Every key set Mandate signs with (mandate tokens, JWT-SVIDs, the embedded X.509 CA). private_jwk holds the
-- private key: the store is the only place it lives.
CREATE TABLE signing_keys (
    key_set     VARCHAR(50)   NOT NULL,
    kid         VARCHAR(100)  NOT NULL,
    private_jwk VARCHAR(16000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    retired_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (key_set, kid)
);

-- Registered agents. purposes and labels_ceiling are comma-separated names (names cannot contain commas);
-- labels_ceiling NULL means no ceiling.
CREATE TABLE agents (
    name           VARCHAR(64)   PRIMARY KEY,
    spiffe_id      VARCHAR(2048) NOT NULL UNIQUE,
    owner_name     VARCHAR(200)  NOT NULL,
    tier           VARCHAR(20)   NOT NULL,
    purposes       VARCHAR(4000) NOT NULL,
    labels_ceiling VARCHAR(4000),
    status         VARCHAR(20)   NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One-time join tokens: only the SHA-256 digest of the token is kept.
CREATE TABLE join_tokens (
    token_digest VARCHAR(100) PRIMARY KEY,
    agent_name   VARCHAR(64)  NOT NULL REFERENCES agents (name),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE
);
CREATE INDEX join_tokens_agent ON join_tokens (agent_name);
