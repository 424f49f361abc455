package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node keeps agents in memory on the embedded store; over real HTTP, every change to an agent holds for the very
 * next token exchange although the agent was just read from memory.
 */
final class AgentViewExchangeTest {
    @TempDir
    Path tmp;

    private MandateNode node;

    @BeforeEach
    void start() {
        node = MandateNode.start(NodeTesting.config(tmp.resolve("data"), Map.of()), svid -> {
            if (!svid.startsWith("test-svid:")) {
                throw new MandateException(ErrorCode.UNAUTHENTICATED, "not a test SVID");
            }
            return SpiffeId.parse(svid.substring("test-svid:".length()));
        });
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private NodeTesting.Answer exchange(String purpose) throws Exception {
        return OAuthFlowTest.post(
                node,
                "/oauth2/token",
                OAuthFlowTest.opening(
                        "test-svid:spiffe://mandate.local/agent/pilot",
                        OAuthFlowTest.details(purpose, List.of("crm.read"), 60)),
                Map.of());
    }

    private void registerPilot() throws Exception {
        NodeTesting.registerAgent(node, "pilot", "team-a", "copilot", "support");
    }

    @Test
    void theKillSwitchRefusesTheVeryNextExchangeOfAnAgentJustReadFromMemory() throws Exception {
        registerPilot();
        assertThat(exchange("support").status()).isEqualTo(200);
        assertThat(exchange("support").status()).isEqualTo(200);

        NodeTesting.Answer kill = NodeTesting.admin(node, "POST", "/v1/agents/pilot/revoke", Map.of("reason", "leak"));
        assertThat(kill.body().get("revoked")).as(kill.raw()).hasSize(2);

        NodeTesting.Answer refused = exchange("support");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.body().get("error").asText()).isEqualTo("unauthorized_client");
    }

    @Test
    void changesToAnAgentHoldForTheVeryNextExchange() throws Exception {
        registerPilot();
        assertThat(exchange("support").status()).isEqualTo(200);
        assertThat(exchange("billing").body().get("error").asText()).isEqualTo("invalid_target");

        NodeTesting.Answer patched =
                NodeTesting.admin(node, "PATCH", "/v1/agents/pilot", Map.of("purposes", List.of("billing")));
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(exchange("billing").status()).isEqualTo(200);
        assertThat(exchange("support").body().get("error").asText()).isEqualTo("invalid_target");

        assertThat(NodeTesting.admin(node, "PATCH", "/v1/agents/pilot", Map.of("status", "disabled"))
                        .status())
                .isEqualTo(200);
        assertThat(exchange("billing").body().get("error").asText()).isEqualTo("unauthorized_client");

        assertThat(NodeTesting.admin(node, "DELETE", "/v1/agents/pilot", null).status())
                .isEqualTo(200);
        assertThat(NodeTesting.admin(node, "PATCH", "/v1/agents/pilot", Map.of("status", "active"))
                        .status())
                .isEqualTo(200);
        assertThat(exchange("billing").status()).isEqualTo(200);
    }
}
