package dev.mandate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class AuditEventTest {
    private static final AuditEntry ENTRY =
            new AuditEntry("mandate.revoked", "admin", "mdt_1", "leak", Map.of("b", "2", "a", "1:,"));

    @Test
    void canonicalFormIsTheDocumentedNetstrings() {
        AuditEvent e =
                AuditEvent.chain(7, Instant.parse("2026-11-24T12:00:00.123999Z"), ENTRY, AuditEvent.GENESIS_HASH);
        assertThat(new String(e.canonicalBytes(), StandardCharsets.UTF_8))
                .isEqualTo("16:mandate-audit-v1,1:7,24:2026-11-24T12:00:00.123Z,15:mandate.revoked,5:admin,5:mdt_1,"
                        + "5:+leak,1:2,1:a,3:1:,,1:b,1:2,");
    }

    @Test
    void hashCoversThePreviousHashAndTheCanonicalBytes() {
        AuditEvent e = AuditEvent.chain(1, Instant.EPOCH, ENTRY, AuditEvent.GENESIS_HASH);
        byte[] prev = new byte[32];
        byte[] body = e.canonicalBytes();
        byte[] all = new byte[32 + body.length];
        System.arraycopy(prev, 0, all, 0, 32);
        System.arraycopy(body, 0, all, 32, body.length);
        assertThat(e.hash()).isEqualTo(AuditDigest.of(all).substring(7)).hasSize(64);
        assertThat(e.recomputeHash()).isEqualTo(e.hash());
        AuditEvent next = AuditEvent.chain(2, Instant.EPOCH, ENTRY, e.hash());
        assertThat(next.hash()).isNotEqualTo(e.hash());
    }

    @Test
    void noReasonAndAnEmptyReasonHashDifferently() {
        AuditEntry none = new AuditEntry("a.b", "x", "y", null, Map.of());
        AuditEntry empty = new AuditEntry("a.b", "x", "y", "", Map.of());
        assertThat(AuditEvent.chain(1, Instant.EPOCH, none, AuditEvent.GENESIS_HASH)
                        .hash())
                .isNotEqualTo(AuditEvent.chain(1, Instant.EPOCH, empty, AuditEvent.GENESIS_HASH)
                        .hash());
    }

    @Test
    void detailsRoundTripThroughTheirStoredEncoding() {
        Map<String, String> details = Map.of("k,1", "v:,2", "", "", "ü", "ß");
        assertThat(AuditEvent.decodeDetails(AuditEvent.encodeDetails(details))).isEqualTo(details);
    }
}
