package dev.mandate.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class PolicyStoreTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Fixtures.T0);

    @TempDir
    Path dir;

    @Test
    void policiesGetTheirIdAnnotationOrFileAndPosition() throws IOException {
        Files.writeString(
                dir.resolve("a.cedar"),
                "permit (principal, action, resource);\n@id(\"named\") forbid (principal, action, resource);");
        Files.writeString(dir.resolve("b.cedar"), "permit (principal, action, resource);");
        Files.writeString(dir.resolve("notes.txt"), "not a policy");
        PolicyStore store = PolicyStore.open(dir, CLOCK);
        assertThat(store.current().all()).extracting(PolicyInfo::id).containsExactly("a.cedar:0", "named", "b.cedar:0");
        assertThat(store.current().all())
                .extracting(PolicyInfo::location)
                .containsExactly("a.cedar", "a.cedar", "b.cedar");
    }

    @Test
    void aChangedDirectoryIsPickedUpOnRefreshAndAnUnchangedOneIsNot() throws IOException {
        Files.writeString(dir.resolve("p.cedar"), "@id(\"one\") permit (principal, action, resource);");
        PolicyStore store = PolicyStore.open(dir, CLOCK);
        String v1 = store.current().version();
        assertThat(store.refresh().outcome()).isEqualTo(PolicyStore.Reload.Outcome.UNCHANGED);

        Files.writeString(dir.resolve("q.cedar"), "@id(\"two\") forbid (principal, action, resource);");
        PolicyStore.Reload r = store.refresh();
        assertThat(r.outcome()).isEqualTo(PolicyStore.Reload.Outcome.RELOADED);
        assertThat(r.version()).isNotEqualTo(v1).isEqualTo(store.current().version());
        assertThat(store.current().all()).extracting(PolicyInfo::id).containsExactly("one", "two");
    }

    @Test
    void aBrokenNewSetIsRejectedWithFileLineAndColumnAndTheOldOneStays() throws IOException {
        Files.writeString(dir.resolve("p.cedar"), "@id(\"one\") permit (principal, action, resource);");
        PolicyStore store = PolicyStore.open(dir, CLOCK);
        PolicySnapshot before = store.current();

        Files.writeString(
                dir.resolve("p.cedar"), "@id(\"one\")\npermit (principal, action, resource)\n  when { context.x == };");
        PolicyStore.Reload r = store.refresh();
        assertThat(r.outcome()).isEqualTo(PolicyStore.Reload.Outcome.REJECTED);
        assertThat(r.error()).startsWith("p.cedar:3:");
        assertThat(store.lastError()).isEqualTo(r.error());
        assertThat(store.current()).isSameAs(before);

        Files.writeString(dir.resolve("p.cedar"), "@id(\"fixed\") permit (principal, action, resource);");
        assertThat(store.refresh().outcome()).isEqualTo(PolicyStore.Reload.Outcome.RELOADED);
        assertThat(store.lastError()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a repeated id                | @id("x") permit (principal, action, resource);\\n@id("x") permit (principal, action, resource); | 2:1 | already used
            approval on a permit         | @approval("sec") permit (principal, action, resource);                                      | 1:1 | belongs on a forbid
            an empty approver            | @approval("") forbid (principal, action, resource);                                         | 1:1 | non-empty approver
            redact on a forbid           | @redact("$.a") forbid (principal, action, resource);                                        | 1:1 | belongs on a permit
            a redact path without $      | @redact("a.b") permit (principal, action, resource);                                        | 1:1 | starting with $
            a template                   | permit (principal == ?principal, action, resource);                                         | 0:0 | template
            """)
    void loadingChecksAnnotationsIdsAndTemplates(String name, String text, String position, String message)
            throws IOException {
        Files.writeString(dir.resolve("bad.cedar"), text.replace("\\n", "\n"));
        assertThatThrownBy(() -> PolicyStore.open(dir, CLOCK))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageStartingWith("bad.cedar:" + position + ": ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
    }

    @Test
    void aMissingDirectoryStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> PolicyStore.open(dir.resolve("absent"), CLOCK))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageContaining("policy.dir");
    }

    @Test
    void theVersionDependsOnNamesAndContents() {
        assertThat(PolicyStore.version(Map.of("a.cedar", "x")))
                .isNotEqualTo(PolicyStore.version(Map.of("b.cedar", "x")))
                .isNotEqualTo(PolicyStore.version(Map.of("a.cedar", "y")))
                .isEqualTo(PolicyStore.version(Map.of("a.cedar", "x")));
    }
}
