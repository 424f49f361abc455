-- The clearance of the principal a mandate acts for: the highest sensitivity the gateway lets through to the agent
-- (public, internal, confidential, restricted); NULL when the mandate acts for nobody. A mandate stored before this
-- column existed that acts for somebody gets the most restrictive clearance, public: fail closed.
-- (Flow labels are written back into the existing flow_labels column as they grow.)
-- Portable SQL: runs on H2 and PostgreSQL.
ALTER TABLE mandates ADD COLUMN clearance VARCHAR(20);

UPDATE mandates SET clearance = 'public' WHERE on_behalf_of IS NOT NULL;
