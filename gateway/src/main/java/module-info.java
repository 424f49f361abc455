/** Mandate's MCP gateway: the enforcement pipeline in front of upstream MCP servers. */
module dev.mandate.gateway {
    requires static transitive org.jspecify;
    requires transitive dev.mandate.core;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive io.javalin;
    requires org.slf4j;
    requires java.net.http;
    requires org.eclipse.jetty.client;

    exports dev.mandate.gateway;
    exports dev.mandate.gateway.policy;
    exports dev.mandate.gateway.credential;
}
