/** The Cedar policy language in pure Java. */
module dev.mandate.cedar {
    requires static transitive org.jspecify;
    requires com.fasterxml.jackson.databind;

    exports dev.mandate.cedar;
    exports dev.mandate.cedar.extension;
    exports dev.mandate.cedar.schema;
    exports dev.mandate.cedar.conformance;
    exports dev.mandate.cedar.validation;
}
