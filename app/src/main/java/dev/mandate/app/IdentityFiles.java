package dev.mandate.app;

import com.nimbusds.jose.jwk.JWKSet;
import dev.mandate.app.config.Config;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.OidcIssuer;
import dev.mandate.core.identity.TrustBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the identity files configuration points at: SPIFFE bundles of other trust domains and the OIDC issuer's JWKS.
 * Anything unreadable or invalid stops start-up with a message naming the key and the file.
 */
final class IdentityFiles {
    /** The largest file read. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private IdentityFiles() {}

    static List<TrustBundle> trustBundles(Config config) {
        Path dir = config.trustBundleDir();
        if (dir == null) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            throw bad("identity.trust-bundle-dir", dir, "it is not a directory");
        }
        List<TrustBundle> bundles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String trustDomain = name.substring(0, name.length() - ".json".length());
                if (trustDomain.equals(config.trustDomain())) {
                    throw bad(
                            "identity.trust-bundle-dir",
                            file,
                            "it is for the embedded trust domain " + trustDomain
                                    + ", whose bundle Mandate makes itself");
                }
                try {
                    bundles.add(TrustBundle.parse(trustDomain, read("identity.trust-bundle-dir", file)));
                } catch (MandateException e) {
                    throw bad("identity.trust-bundle-dir", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw bad("identity.trust-bundle-dir", dir, "it cannot be listed (" + e.getMessage() + ")");
        }
        return bundles;
    }

    static @Nullable OidcIssuer oidcIssuer(Config config) {
        String issuer = config.oidcIssuer();
        Path jwksFile = config.oidcJwksFile();
        if (issuer == null || jwksFile == null) {
            return null;
        }
        JWKSet keys;
        try {
            keys = JWKSet.parse(read("oidc.jwks-file", jwksFile));
        } catch (ParseException e) {
            throw bad("oidc.jwks-file", jwksFile, "it is not a JWK set: " + e.getMessage());
        }
        if (keys.getKeys().isEmpty()) {
            throw bad("oidc.jwks-file", jwksFile, "it holds no keys");
        }
        return new OidcIssuer(issuer, keys, config.oidcAudience());
    }

    private static String read(String key, Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw bad(key, file, "it is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw bad(key, file, "it cannot be read (" + e.getMessage() + ")");
        }
    }

    private static MandateException bad(String key, Path file, String why) {
        return new MandateException(
                ErrorCode.BAD_CONFIG, "configuration key '" + key + "': " + file + " is unusable: " + why);
    }
}
