package dev.mandate.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.SchemaType;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PolicyStoreValidationTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Fixtures.T0);

    private static final String AMOUNT_LIMIT = """
            @id("small-payments")
            permit (principal, action == Action::"bank.pay", resource)
            when { context.input.amount < 100 };
            """;

    @TempDir
    Path dir;

    private static PolicySchema bank(SchemaType amount) {
        RecordType input = new RecordType(Map.of("amount", new Attribute(amount, true)), false);
        ToolSignature pay =
                new ToolSignature("tools/call", "bank.pay", "bank", Fixtures.entry("internal", true), input);
        return new PolicySchema(SchemaGenerator.generate(List.of(pay)), Set.of("bank"), Set.of());
    }

    @Test
    void aValidSetLoadsAgainstTheSchema() throws IOException {
        Files.writeString(dir.resolve("pay.cedar"), AMOUNT_LIMIT);
        PolicyStore store = PolicyStore.open(dir, CLOCK, bank(new SchemaType.LongType()));
        assertThat(store.current().all()).extracting(PolicyInfo::id).containsExactly("small-payments");
        assertThat(store.lastError()).isNull();
    }

    @Test
    void policiesOnUpstreamsRequestsToTheAgentValidateAgainstTheGeneratedSchema() throws IOException {
        Files.writeString(dir.resolve("ask.cedar"), """
                @id("bank-may-sample")
                permit (principal, action in [Action::"sampling", Action::"roots"], resource == McpServer::"bank")
                unless { context.flow.labels.contains("pii") };
                @id("nobody-elicits")
                forbid (principal, action == Action::"elicitation", resource);
                """);
        PolicyStore store = PolicyStore.open(dir, CLOCK, bank(new SchemaType.LongType()));
        assertThat(store.current().all())
                .extracting(PolicyInfo::id)
                .containsExactlyInAnyOrder("bank-may-sample", "nobody-elicits");
    }

    @Test
    void aSetWithValidationErrorsIsRefusedAtStartNamingFileLineColumnRuleAndPolicy() throws IOException {
        Files.writeString(dir.resolve("ok.cedar"), "@id(\"fine\") permit (principal, action, resource);\n");
        Files.writeString(dir.resolve("pay.cedar"), "\n" + AMOUNT_LIMIT.replace("amount <", "amout <"));
        assertThatThrownBy(() -> PolicyStore.open(dir, CLOCK, bank(new SchemaType.LongType())))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageStartingWith("pay.cedar:")
                .hasMessageContaining("policy small-payments: [")
                .hasMessageContaining("amout")
                .satisfies(e -> {
                    PolicyLoadException p = (PolicyLoadException) e;
                    assertThat(p.file()).isEqualTo("pay.cedar");
                    assertThat(p.line()).isGreaterThanOrEqualTo(2);
                    assertThat(p.column()).isPositive();
                });
    }

    @Test
    void anInvalidReloadIsRejectedAndTheOldSetStaysInForce() throws IOException {
        Files.writeString(dir.resolve("pay.cedar"), AMOUNT_LIMIT);
        PolicyStore store = PolicyStore.open(dir, CLOCK, bank(new SchemaType.LongType()));
        PolicySnapshot before = store.current();

        Files.writeString(dir.resolve("pay.cedar"), AMOUNT_LIMIT.replace("< 100", "< \"100\""));
        PolicyStore.Reload r = store.refresh();
        assertThat(r.outcome()).isEqualTo(PolicyStore.Reload.Outcome.REJECTED);
        assertThat(r.error()).startsWith("pay.cedar:").contains("policy small-payments: [");
        assertThat(store.current()).isSameAs(before);
        assertThat(store.lastError()).isEqualTo(r.error());
    }

    @Test
    void aSchemaChangeThatBreaksTheSetKeepsItInForceAndReportsUntilFixed() throws IOException {
        Files.writeString(dir.resolve("pay.cedar"), AMOUNT_LIMIT);
        PolicyStore store = PolicyStore.open(dir, CLOCK, bank(new SchemaType.LongType()));
        PolicySnapshot before = store.current();

        PolicyStore.Reload r = store.useSchema(bank(new SchemaType.StringType()));
        assertThat(r.outcome()).isEqualTo(PolicyStore.Reload.Outcome.INVALID_UNDER_SCHEMA);
        assertThat(r.error()).startsWith("pay.cedar:").contains("small-payments");
        assertThat(store.current()).isSameAs(before);
        assertThat(store.refresh().outcome()).isEqualTo(PolicyStore.Reload.Outcome.UNCHANGED);
        assertThat(store.lastError()).isEqualTo(r.error());

        assertThat(store.useSchema(bank(new SchemaType.LongType())).outcome())
                .isEqualTo(PolicyStore.Reload.Outcome.UNCHANGED);
        assertThat(store.lastError()).isNull();
    }

    @Test
    void aNewSetIsValidatedAgainstTheLatestSchema() throws IOException {
        Files.writeString(dir.resolve("any.cedar"), "@id(\"any\") permit (principal, action, resource);");
        PolicyStore store = PolicyStore.open(dir, CLOCK, bank(new SchemaType.StringType()));
        store.useSchema(bank(new SchemaType.LongType()));
        Files.writeString(dir.resolve("pay.cedar"), AMOUNT_LIMIT);
        assertThat(store.refresh().outcome()).isEqualTo(PolicyStore.Reload.Outcome.RELOADED);
    }

    @Test
    void anActionOfAServerWhoseToolsAreNotListedYetWaitsForTheList() throws IOException {
        Files.writeString(dir.resolve("pay.cedar"), AMOUNT_LIMIT);
        PolicySchema none = new PolicySchema(SchemaGenerator.generate(List.of()), Set.of(), Set.of("bank"));
        PolicyStore store = PolicyStore.open(dir, CLOCK, none);
        assertThat(store.lastError()).isNull();

        PolicyStore.Reload listed = store.useSchema(bank(new SchemaType.StringType()));
        assertThat(listed.outcome()).isEqualTo(PolicyStore.Reload.Outcome.INVALID_UNDER_SCHEMA);
    }

    @Test
    void aToolThatAListedServerDoesNotHaveIsAnError() throws IOException {
        Files.writeString(dir.resolve("pay.cedar"), AMOUNT_LIMIT.replace("bank.pay", "bank.pya"));
        assertThatThrownBy(() -> PolicyStore.open(dir, CLOCK, bank(new SchemaType.LongType())))
                .hasMessageStartingWith("pay.cedar:")
                .hasMessageContaining("unrecognized-action-id")
                .hasMessageContaining("bank.pya");
    }

    @Test
    void aGroupPolicyIsCheckedEvenWhileItsToolsArePending() throws IOException {
        Files.writeString(
                dir.resolve("egress.cedar"),
                "@id(\"no-egress\") forbid (principal, action in Action::\"egress\", resource)\n"
                        + "when { context.flow.label.contains(\"pii\") };");
        PolicySchema none = new PolicySchema(SchemaGenerator.generate(List.of()), Set.of(), Set.of("bank"));
        assertThatThrownBy(() -> PolicyStore.open(dir, CLOCK, none))
                .hasMessageStartingWith("egress.cedar:2:8: policy no-egress: [unsafe-attribute-access]");
    }

    @Test
    void everyErrorIsReportedUpToTheLimit() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < PolicyValidation.MAX_REPORTED + 3; i++) {
            text.append("@id(\"p")
                    .append(i)
                    .append(
                            "\") permit (principal, action == Action::\"bank.pay\", resource) when { context.nope };\n");
        }
        assertThatThrownBy(() ->
                        PolicyStore.of(Map.of("many.cedar", text.toString()), CLOCK, bank(new SchemaType.LongType())))
                .hasMessageStartingWith("many.cedar:1:")
                .hasMessageContaining("many.cedar:2:")
                .hasMessageContaining("... and 3 more")
                .hasMessageContaining((PolicyValidation.MAX_REPORTED + 3) + " validation errors");
    }
}
