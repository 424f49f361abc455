package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.Tier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revokes delegation trees over HTTP on a real node and reads the measured time-to-revoke back from the access answer:
 * every revoked mandate and its subtree must fail the live check, and each command is one sample.
 */
final class RevocationLatencyTest {
    private static final int TREES = 50;

    @TempDir
    Path tmp;

    @Test
    void everyRevokedTreeIsDeniedEverywhereAndIsOneSample() throws Exception {
        try (MandateNode node = VisibilityTesting.start(tmp, VisibilityTesting.PERMITS)) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < TREES; i++) {
                NodeTesting.Answer token = NodeTesting.admin(
                        node, "POST", "/v1/tokens", Map.of("agent", "support-bot", "purpose", "triage"));
                String root = token.body().get("mandate_id").asText();
                Mandate child = delegate(node, root);
                Mandate grandchild = delegate(node, child.id());
                all.addAll(List.of(root, child.id(), grandchild.id()));
                assertThat(NodeTesting.admin(node, "POST", "/v1/mandates/" + root + "/revoke", Map.of())
                                .status())
                        .isEqualTo(200);
            }

            assertThat(all)
                    .allSatisfy(id -> assertThat(node.mandates().checkLive(id))
                            .isIn(LiveCheck.REVOKED, LiveCheck.ANCESTOR_ENDED));
            JsonNode r = NodeTesting.admin(node, "GET", "/v1/access?resource=crm", null)
                    .body()
                    .get("revocation");
            assertThat(r.get("samples").asInt()).isEqualTo(TREES);
            assertThat(r.get("p50Millis").asDouble())
                    .isLessThanOrEqualTo(r.get("p99Millis").asDouble());
            System.out.println("time to revoke a 3-mandate tree over HTTP, " + TREES + " trees: " + r.get("measured"));
        }
    }

    private static Mandate delegate(MandateNode node, String parent) {
        return node.mandates()
                .delegate(
                        parent,
                        new DelegationRequest(
                                node.agents().get("support-bot").id(),
                                Tier.COPILOT,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null),
                        "admin");
    }
}
