-- Facts about this store itself, such as when it was created. Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE store_metadata (
    meta_key   VARCHAR(100) PRIMARY KEY,
    meta_value VARCHAR(4000) NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
