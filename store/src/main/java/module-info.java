/** JDBC storage for Mandate: embedded H2 and PostgreSQL behind core's ports. */
module dev.mandate.store {
    requires static transitive org.jspecify;
    requires transitive dev.mandate.core;
    requires transitive java.sql;
    requires com.zaxxer.hikari;
    requires com.h2database;
    requires org.postgresql.jdbc;
    requires static org.checkerframework.checker.qual; // annotations on pgjdbc's PGConnection, compile time only

    exports dev.mandate.store;
    exports dev.mandate.store.credential;

    opens db.migration;
    opens db.vendor.h2;
    opens db.vendor.postgresql;
}
