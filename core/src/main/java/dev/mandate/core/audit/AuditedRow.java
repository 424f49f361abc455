package dev.mandate.core.audit;

/**
 * A row of another table that the audit log stores in the same transaction as the event recording it (see {@link
 * AuditLog#recordWith}), so that neither is durable without the other. Which kinds of row a store can write is the
 * store's to say ({@link AuditStore#append(java.util.List, AuditCheckpoint, java.util.List)}); it refuses the others.
 */
public interface AuditedRow {}
