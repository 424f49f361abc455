/** The mandate executable: configuration, wiring (the one composition root), HTTP server, CLI. */
module dev.mandate.app {
    requires static transitive org.jspecify;
    requires dev.mandate.core;
    requires dev.mandate.store;
    requires dev.mandate.gateway;
    requires io.javalin;
    requires java.net.http;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    opens dev.mandate.app.lease to
            com.fasterxml.jackson.databind;
    opens dev.mandate.app.cli to
            info.picocli;
    opens dev.mandate.app to
            info.picocli;
    opens dev.mandate.app.demo to
            info.picocli;
}
