-- Replicas: the embedded H2 store serves a single node, so it has no change feed (PostgreSQL's V7 adds one).
-- This version exists so that both stores share one version history.
COMMENT ON TABLE mandates IS 'mandates of this node; the embedded store has no change feed for replicas';
