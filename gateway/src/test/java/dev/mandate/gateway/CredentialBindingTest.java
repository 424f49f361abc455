package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.IssuedCredential;
import dev.mandate.core.credential.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code upstreams.<name>.credential} section: parsing, its rules, and rendering the templates. */
final class CredentialBindingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final IssuedCredential CREDENTIAL = new IssuedCredential(
            Map.of("username", "mandate_l_1", "url", "jdbc:postgresql://127.0.0.1/shop"), Secret.of("s3cret-pw"));

    private static GatewayConfig parse(String json) throws Exception {
        return GatewayConfig.fromTree(JSON.readTree(json), "gateway.yaml");
    }

    @Test
    void anHttpCredentialDefaultsToABearerAuthorizationHeader() throws Exception {
        GatewayConfig config = parse("""
                {"upstreams": {"crm": {"url": "http://127.0.0.1:9001/mcp",
                                       "credential": {"backend": "customers-db", "scope": "read"}}}}
                """);

        CredentialBinding binding = Objects.requireNonNull(
                Objects.requireNonNull(config.upstreams().get("crm")).credential());
        assertThat(binding).isEqualTo(CredentialBinding.http("customers-db", "read", null, null));
        assertThat(binding.header()).isEqualTo("Authorization");
        assertThat(binding.renderValue(CREDENTIAL)).isEqualTo("Bearer s3cret-pw");
    }

    @Test
    void templatesRenderTheSecretBasicAndProperties() throws Exception {
        CredentialBinding basic = CredentialBinding.http("db", "read", "X-Api-Key", "Basic {basic}");
        assertThat(basic.renderValue(CREDENTIAL))
                .isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("mandate_l_1:s3cret-pw".getBytes(StandardCharsets.UTF_8)));
        GatewayConfig config = parse("""
                {"upstreams": {"files": {"command": "node", "args": ["server.js"],
                   "credential": {"backend": "db", "scope": "read", "max-processes": 3,
                                  "env": {"API_TOKEN": "{secret}", "DB": "{url}?user={username}"}}}}}
                """);
        CredentialBinding env = Objects.requireNonNull(
                Objects.requireNonNull(config.upstreams().get("files")).credential());
        assertThat(env.maxProcesses()).isEqualTo(3);
        assertThat(env.renderEnv(CREDENTIAL))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("API_TOKEN", "s3cret-pw", "DB", "jdbc:postgresql://127.0.0.1/shop?user=mandate_l_1"));
    }

    @Test
    void aPlaceholderTheCredentialLacksFailsClosedWithoutTheSecret() {
        CredentialBinding binding = CredentialBinding.http("db", "read", null, "Token {api-key}");
        assertThatThrownBy(() -> binding.renderValue(CREDENTIAL))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("{api-key}")
                .hasMessageContaining("backend 'db'")
                .hasMessageNotContaining("s3cret-pw");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"url\":\"http://127.0.0.1/mcp\",\"credential\":{\"scope\":\"read\"}}|upstreams.x.credential.backend",
                "{\"url\":\"http://127.0.0.1/mcp\",\"credential\":{\"backend\":\"db\"}}|upstreams.x.credential.scope",
                "{\"url\":\"http://127.0.0.1/mcp\",\"credential\":{\"backend\":\"db\",\"scope\":\"r\",\"env\":{}}}"
                        + "|upstreams.x.credential.env",
                "{\"url\":\"http://127.0.0.1/mcp\",\"credential\":{\"backend\":\"db\",\"scope\":\"r\","
                        + "\"header\":\"Host\"}}|'Host'",
                "{\"url\":\"http://127.0.0.1/mcp\",\"credential\":{\"backend\":\"db\",\"scope\":\"r\","
                        + "\"value\":\"Bearer {secret\"}}|braces only around a placeholder",
                "{\"command\":\"a\",\"credential\":{\"backend\":\"db\",\"scope\":\"r\"}}|upstreams.x.credential.env",
                "{\"command\":\"a\",\"credential\":{\"backend\":\"db\",\"scope\":\"r\",\"header\":\"A\"}}"
                        + "|upstreams.x.credential.header",
                "{\"command\":\"a\",\"credential\":{\"backend\":\"db\",\"scope\":\"r\",\"env\":{\"1X\":\"{secret}\"}}}"
                        + "|'1X'",
                "{\"command\":\"a\",\"credential\":{\"backend\":\"db\",\"scope\":\"r\",\"env\":{\"X\":\"{secret}\"},"
                        + "\"max-processes\":0}}|max-processes 0",
                "{\"command\":\"a\",\"credential\":\"db\"}|upstreams.x.credential"
            })
    void aBadCredentialStopsStartUpNamingTheKey(String upstream, String named) {
        assertThatThrownBy(() -> parse("{\"upstreams\":{\"x\":" + upstream + "}}"))
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining("upstreams.x.credential")
                .hasMessageContaining(named);
    }
}
