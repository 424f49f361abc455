package dev.mandate.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("mandate.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaultsAreTheEmbeddedSingleNodeSetup() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(config.listen()).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.storeUrl()).isNull();
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.trustDomain()).isEqualTo("mandate.local");
        assertThat(config.keysRetiredRetention()).isEqualTo(Duration.ofHours(1));
        assertThat(config.svidJwtTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.svidX509Ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.joinTokenTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.trustBundleDir()).isNull();
        assertThat(config.oidcIssuer()).isNull();
        assertThat(config.oidcJwksFile()).isNull();
        assertThat(config.oidcAudience()).isEqualTo("mandate");
    }

    @Test
    void durationsAcceptDays() {
        Config config = ConfigLoader.load(null, Map.of("MANDATE_KEYS_RETIRED_RETENTION", "2d"), Map.of());
        assertThat(config.keysRetiredRetention()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void yamlAcceptsNestedAndDottedKeys() throws IOException {
        Path file = yaml("listen: 127.0.0.1:9000\nstore:\n  max-pool-size: 3\nserver.shutdown-timeout: 500ms\n");
        Config config = ConfigLoader.load(file, Map.of(), Map.of());
        assertThat(config.listen().port()).isEqualTo(9000);
        assertThat(config.storeMaxPoolSize()).isEqualTo(3);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void environmentBeatsTheFileAndFlagsBeatTheEnvironment() throws IOException {
        Path file = yaml("listen: 127.0.0.1:9000\ndata-dir: /from/file\n");
        Config config = ConfigLoader.load(
                file,
                Map.of("MANDATE_LISTEN", "127.0.0.1:9001", "MANDATE_DATA_DIR", "/from/env", "PATH", "/usr/bin"),
                Map.of(ConfigKey.DATA_DIR, "/from/flag"));
        assertThat(config.listen().port()).isEqualTo(9001);
        assertThat(config.dataDir()).isEqualTo(Path.of("/from/flag"));
    }

    @Test
    void unknownKeyInTheFileIsNamedWithASuggestion() throws IOException {
        Path file = yaml("lisen: 127.0.0.1:9000\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("unknown configuration key 'lisen'")
                .hasMessageContaining("did you mean 'listen'?")
                .satisfies(e -> assertThat(((MandateException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
    }

    @Test
    void unknownNestedKeyIsNamedInFull() throws IOException {
        Path file = yaml("store:\n  pool: 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessageContaining("unknown configuration key 'store.pool'");
    }

    @Test
    void unknownMandateEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("MANDATE_LISTN", "x"), Map.of()))
                .hasMessageContaining("unknown configuration key 'MANDATE_LISTN' in the environment")
                .hasMessageContaining("did you mean 'MANDATE_LISTEN'?");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "listen                   | localhost        | host:port",
                "listen                   | 127.0.0.1:70000  | host:port",
                "store.max-pool-size      | 0                | a whole number from 1 to 200",
                "store.max-pool-size      | many             | a whole number from 1 to 200",
                "server.shutdown-timeout  | 10 seconds       | a duration",
                "server.shutdown-timeout  | 11m              | a duration",
                "server.max-request-bytes | 12               | a whole number of bytes",
                "store.url                | jdbc:mysql://x   | jdbc:postgresql:",
                "trust-domain             | Mandate.Local    | a SPIFFE trust domain name",
                "keys.retired-retention   | 30s              | a duration from 1m to 30d",
                "keys.retired-retention   | 31d              | a duration from 1m to 30d",
                "svid.jwt-ttl             | 2h               | a duration from 30s to 1h",
                "svid.x509-ttl            | 25h              | a duration from 1m to 24h",
                "svid.join-token-ttl      | 10s              | a duration from 1m to 24h",
                "identity.clock-skew      | 6m               | a duration from 0s to 5m",
                "store.replicas.poll-interval   | 50ms   | a duration from 100ms to 1m",
                "store.replicas.staleness-bound | 11m    | a duration from 1s to 10m",
                "store.replicas.staleness-bound | 1500ms | at least twice store.replicas.poll-interval",
                "oidc.audience            | ''               | the client id"
            })
    void badValueNamesTheKeyTheSourceTheValueAndTheRule(String key, String value, String rule) throws IOException {
        Path file = yaml(key + ": \"" + value + "\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining("config file " + file)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining(rule);
    }

    @Test
    void replicasPollEverySecondAndFailClosedAfterFiveByDefault() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(config.replicas().pollInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(config.replicas().stalenessBound()).isEqualTo(java.time.Duration.ofSeconds(5));
    }

    @Test
    void aStalenessBoundShorterThanTwoPollsIsRefusedNamingBothKeys() {
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        Map.of(
                                "MANDATE_STORE_REPLICAS_POLL_INTERVAL", "5s",
                                "MANDATE_STORE_REPLICAS_STALENESS_BOUND", "8s"),
                        Map.of()))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("'store.replicas.staleness-bound'")
                .hasMessageContaining("'8s'")
                .hasMessageContaining("at least twice store.replicas.poll-interval");
    }

    @Test
    void configToStringHidesThePassword() {
        Config config = ConfigLoader.load(null, Map.of("MANDATE_STORE_PASSWORD", "hunter2"), Map.of());
        assertThat(config.storePassword()).isEqualTo("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void malformedYamlIsReportedAsSuch() throws IOException {
        Path file = yaml("listen: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of())).hasMessageContaining("is not valid YAML");
    }

    @Test
    void aListWhereAValueBelongsIsRefused() throws IOException {
        Path file = yaml("listen:\n  - 127.0.0.1:1\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .hasMessageContaining("'listen'")
                .hasMessageContaining("must be a single value");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), Map.of()))
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void ipv6ListenAddressesUseBrackets() {
        assertThat(HostPort.parse("[::1]:8080")).isEqualTo(new HostPort("::1", 8080));
        assertThat(new HostPort("::1", 8080)).hasToString("[::1]:8080");
    }
}
