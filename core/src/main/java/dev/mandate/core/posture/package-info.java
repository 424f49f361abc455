/**
 * Posture findings: rules that read the registered agents, live mandates and leases, the audit log's recent activity
 * and the access analysis, and report what weakens the organisation's hold on its agents (no owner, dormant, unused or
 * too broad permissions, long-lived or shared credentials, toxic flows, stuck revocations), each with evidence, a fix
 * and the OWASP NHI, OWASP Agentic and NIST AI RMF controls it serves.
 */
@NullMarked
package dev.mandate.core.posture;

import org.jspecify.annotations.NullMarked;
