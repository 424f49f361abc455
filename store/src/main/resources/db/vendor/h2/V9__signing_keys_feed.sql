-- Signing keys for replicas: the embedded H2 store serves a single node, so it has no change feed (PostgreSQL's V9
-- announces key rotations on it). This version exists so that both stores share one version history.
COMMENT ON TABLE signing_keys IS 'signing keys of this node; the embedded store has no change feed for replicas';
