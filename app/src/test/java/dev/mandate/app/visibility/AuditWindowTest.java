package dev.mandate.app.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.app.MandateNode;
import dev.mandate.app.config.ConfigKey;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.posture.AgentActivity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class AuditWindowTest {
    private static final String AGENT = "spiffe://mandate.local/agent/reader";

    @TempDir
    Path tmp;

    @Test
    void findsTheLastEventAndReadsToolsUsedAcrossPages() {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        flags.put(ConfigKey.LISTEN, "127.0.0.1:0");
        flags.put(ConfigKey.DATA_DIR, tmp.resolve("data").toString());
        try (MandateNode node = MandateNode.start(ConfigLoader.load(null, Map.of(), flags))) {
            long before = AuditWindow.lastSeq(node.audit());
            for (int i = 0; i < 2_345; i++) {
                node.audit()
                        .record(new AuditEntry(
                                "gateway.call",
                                AGENT,
                                "mdt_x",
                                null,
                                Map.of("tool", "crm.t" + (i % 3), "decision", i % 2 == 0 ? "allow" : "deny")));
            }
            long last = AuditWindow.lastSeq(node.audit());
            List<AuditEvent> tail = node.audit().page(last - 1, 10);

            assertThat(last).isEqualTo(before + 2_345);
            assertThat(tail).singleElement().satisfies(e -> assertThat(e.seq()).isEqualTo(last));
            AgentActivity activity =
                    AuditWindow.read(node.audit(), Instant.now().minus(Duration.ofDays(1)));
            assertThat(activity.toolsUsed(AGENT)).containsExactlyInAnyOrder("crm.t0", "crm.t1", "crm.t2");
            assertThat(activity.lastSeen(AGENT)).isPresent();
        }
    }
}
