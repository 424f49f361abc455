package dev.mandate.app.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.policy.PolicyLoadException;
import dev.mandate.core.policy.PolicySnapshot;
import dev.mandate.gateway.policy.UpstreamTools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PolicyServicesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAY_LIMIT = """
            @id("small-payments")
            permit (principal, action == Action::"crm.pay", resource)
            when { context.input.amount < 100 };
            """;

    @TempDir
    Path data;

    private final LinkedBlockingQueue<AuditEntry> audited = new LinkedBlockingQueue<>();

    private Path policies() throws Exception {
        return Files.createDirectories(data.resolve("policies"));
    }

    private static List<JsonNode> payTool(String amountType) throws Exception {
        return List.of(JSON.readTree("""
                {"name": "pay", "inputSchema": {"type": "object",
                  "properties": {"amount": {"type": "%s"}}, "required": ["amount"]}}
                """.formatted(amountType)));
    }

    @Test
    void aSetWithValidationErrorsStopsStartUpNamingFileLineColumnRuleAndPolicy() throws Exception {
        Files.writeString(
                policies().resolve("limits.cedar"),
                "// limits\n@id(\"no-admin\")\nforbid (principal, action, resource) when { principal.rank > 3 };\n");
        UpstreamTools tools = new UpstreamTools(Catalog.EMPTY, Set.of());
        assertThatThrownBy(() -> PolicyServices.inDataDirectory(data, InstantSource.system(), tools, audited::add))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageStartingWith("limits.cedar:3:45:")
                .hasMessageContaining("policy no-admin: [")
                .hasMessageContaining("rank");
    }

    @Test
    void anInvalidReloadIsRefusedAuditedAndCountedOnceAndTheOldSetStays() throws Exception {
        Files.writeString(policies().resolve("a.cedar"), "@id(\"all\") permit (principal, action, resource);");
        UpstreamTools tools = new UpstreamTools(Catalog.EMPTY, Set.of());
        try (PolicyServices services =
                PolicyServices.inDataDirectory(data, InstantSource.system(), tools, audited::add)) {
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            services.bindMetrics(metrics);
            PolicySnapshot before = services.store().current();

            Files.writeString(
                    policies().resolve("a.cedar"),
                    "@id(\"all\") permit (principal, action, resource) when { context.nope };");
            services.reloadNow();
            services.reloadNow();

            assertThat(services.store().current()).isSameAs(before);
            assertThat(services.store().lastError()).startsWith("a.cedar:1:").contains("policy all: [");
            AuditEntry entry = Objects.requireNonNull(audited.poll(10, TimeUnit.SECONDS));
            assertThat(entry.type()).isEqualTo("policy.rejected");
            assertThat(entry.reason()).startsWith("a.cedar:1:");
            assertThat(metrics.get("mandate.policy.rejections")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(audited).isEmpty();

            Files.writeString(policies().resolve("a.cedar"), "@id(\"fixed\") permit (principal, action, resource);");
            services.reloadNow();
            assertThat(services.store().lastError()).isNull();
        }
    }

    @Test
    void policiesOnAPendingUpstreamLoadAndAreCheckedWhenItsToolsArrive() throws Exception {
        Files.writeString(policies().resolve("pay.cedar"), PAY_LIMIT);
        UpstreamTools tools = new UpstreamTools(Catalog.EMPTY, Set.of("crm"));
        try (PolicyServices services =
                PolicyServices.inDataDirectory(data, InstantSource.system(), tools, audited::add)) {
            assertThat(services.store().current().all()).hasSize(1);
            assertThat(Objects.requireNonNull(services.store().schema()).pendingServers())
                    .containsExactly("crm");

            tools.listed("crm", payTool("string"));

            AuditEntry entry = Objects.requireNonNull(audited.poll(10, TimeUnit.SECONDS));
            assertThat(entry.type()).isEqualTo("policy.invalid-under-schema");
            assertThat(entry.reason()).startsWith("pay.cedar:").contains("policy small-payments: [");
            assertThat(services.store().current().all()).hasSize(1);
            assertThat(Objects.requireNonNull(services.store().schema())
                            .schema()
                            .toCedar())
                    .contains("\"crm.pay\"");
        }
    }
}
