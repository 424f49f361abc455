package dev.mandate.core.posture;

import java.util.Objects;

/**
 * One posture finding.
 *
 * @param id stable: {@code <rule>:<subject>}
 * @param rule the rule that found it
 * @param severity how urgent
 * @param subject what it is about: an agent name, a policy id, a lease or mandate id, a shared account
 * @param title one line
 * @param evidence what was seen, with values
 * @param fix what to do
 */
public record Finding(
        String id, Rule rule, Severity severity, String subject, String title, String evidence, String fix) {
    /** Checks the parts are present. */
    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(fix, "fix");
    }

    static Finding of(Rule rule, Severity severity, String subject, String title, String evidence, String fix) {
        return new Finding(rule.id() + ":" + subject, rule, severity, subject, title, evidence, fix);
    }

    static Finding of(Rule rule, String subject, String title, String evidence) {
        return of(rule, rule.severity(), subject, title, evidence, rule.fix());
    }

    /**
     * Returns the controls of the finding's rule.
     *
     * @return the controls
     */
    public Controls controls() {
        return rule.controls();
    }
}
