package dev.mandate.app;

import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stand-in audit sink until the hash-chained audit log is wired: writes each event as one log line. Entries carry
 * digests, never secrets, so logging them is safe. Not durable: the composition root replaces it with the audit log.
 */
final class LogAuditSink implements AuditSink {
    private static final Logger LOG = LoggerFactory.getLogger("dev.mandate.audit");

    @Override
    public void record(AuditEntry entry) {
        LOG.info(
                "audit {} actor={} subject={} reason={} details={}",
                entry.type(),
                entry.actor(),
                entry.subject(),
                entry.reason(),
                entry.details());
    }
}
