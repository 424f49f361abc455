/** Mandate's domain, framework-free: identity, mandates, policy, flow, credentials, approvals, audit. */
module dev.mandate.core {
    requires static transitive org.jspecify;
    requires transitive dev.mandate.cedar;
    requires transitive com.nimbusds.jose.jwt;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports dev.mandate.core;
    exports dev.mandate.core.keys;
    exports dev.mandate.core.identity;
    exports dev.mandate.core.mandate;
    exports dev.mandate.core.audit;
    exports dev.mandate.core.oauth;
    exports dev.mandate.core.credential;
    exports dev.mandate.core.flow;
    exports dev.mandate.core.catalog;
    exports dev.mandate.core.policy;
    exports dev.mandate.core.approval;
    exports dev.mandate.core.access;
    exports dev.mandate.core.posture;
}
