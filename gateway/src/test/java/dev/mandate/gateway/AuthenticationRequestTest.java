package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

final class AuthenticationRequestTest {
    /** A live request that counts what is read of it. */
    private static final class CountingSource implements AuthenticationRequest.Source {
        final AtomicInteger uris = new AtomicInteger();
        final AtomicInteger allHeaders = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public URI uri() {
            uris.incrementAndGet();
            return URI.create("http://127.0.0.1:8080/mcp");
        }

        @Override
        public List<String> headerValues(String name) {
            lookups.incrementAndGet();
            return name.equalsIgnoreCase("authorization") ? List.of("Bearer secret-token") : List.of();
        }

        @Override
        public Map<String, List<String>> headers() {
            allHeaders.incrementAndGet();
            return Map.of("Authorization", List.of("Bearer secret-token"), "Accept", List.of("application/json"));
        }

        @Override
        public @Nullable X509Certificate clientCertificate() {
            return null;
        }
    }

    @Test
    void aLiveRequestReadsOnlyTheHeaderAskedForAndBuildsNoUri() {
        CountingSource source = new CountingSource();
        AuthenticationRequest request = AuthenticationRequest.of(source);

        assertThat(request.header("Authorization")).isEqualTo("Bearer secret-token");
        assertThat(request.header("DPoP")).isNull();
        assertThat(request.method()).isEqualTo("POST");

        assertThat(source.lookups).hasValue(2);
        assertThat(source.uris).hasValue(0);
        assertThat(source.allHeaders).hasValue(0);
    }

    @Test
    void theUriAndAllHeadersAreBuiltOnceWhenAsked() {
        CountingSource source = new CountingSource();
        AuthenticationRequest request = AuthenticationRequest.of(source);

        assertThat(request.uri()).isEqualTo(URI.create("http://127.0.0.1:8080/mcp"));
        assertThat(request.uri()).isSameAs(request.uri());
        assertThat(request.headers()).containsOnlyKeys("authorization", "accept");
        assertThat(request.headers()).isSameAs(request.headers());

        assertThat(source.uris).hasValue(1);
        assertThat(source.allHeaders).hasValue(1);
    }

    @Test
    void givenHeadersAreCopiedWithLowerCaseNamesAndMerged() {
        AuthenticationRequest request = new AuthenticationRequest(
                "POST",
                URI.create("http://127.0.0.1/mcp"),
                Map.of("X-A", List.of("1"), "x-a", List.of("2"), "DPoP", List.of("proof")));

        assertThat(request.header("x-a")).isIn("1", "2");
        assertThat(request.headers().get("x-a")).containsExactlyInAnyOrder("1", "2");
        assertThat(request.header("dpop")).isEqualTo("proof");
        assertThat(request.header("Authorization")).isNull();
        assertThat(request.clientCertificate()).isNull();
    }

    @Test
    void itsTextNamesTheHeadersButNeverTheirValues() {
        AuthenticationRequest request = AuthenticationRequest.of(new CountingSource());

        assertThat(request.toString()).contains("authorization").doesNotContain("secret-token");
    }
}
