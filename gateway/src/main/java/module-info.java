/** Mandate's MCP gateway: the enforcement pipeline in front of upstream MCP servers. */
module dev.mandate.gateway {
    requires static transitive org.jspecify;
    requires transitive dev.mandate.core;
    requires com.fasterxml.jackson.databind;

    exports dev.mandate.gateway;
}
