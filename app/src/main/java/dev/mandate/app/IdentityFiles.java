package dev.mandate.app;

import com.nimbusds.jose.jwk.JWKSet;
import dev.mandate.app.config.Config;
import dev.mandate.app.config.HostPort;
import dev.mandate.app.config.TlsOptions;
import dev.mandate.app.http.HttpServer;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.EmbeddedTrustDomain;
import dev.mandate.core.identity.OidcIssuer;
import dev.mandate.core.identity.Pem;
import dev.mandate.core.identity.ServerCertificate;
import dev.mandate.core.identity.TrustBundle;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
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

    /**
     * The TLS listener's settings: its certificate from the PEM files, or else the node's own X.509-SVID from the
     * embedded trust domain (renewed at half its lifetime), for {@code localhost} and the listen host.
     */
    static HttpServer.@Nullable Tls tls(Config config, EmbeddedTrustDomain trustDomain) {
        TlsOptions tls = config.tls();
        HostPort listen = tls.listen();
        if (listen == null) {
            return null;
        }
        Path certFile = tls.certFile();
        Path keyFile = tls.keyFile();
        if (certFile != null && keyFile != null) {
            ServerCertificate cert = serverCertificate(certFile, keyFile);
            return new HttpServer.Tls(listen, () -> cert, false, tls.needClientCertificate());
        }
        List<String> hosts = new ArrayList<>(List.of("localhost"));
        String host = listen.host();
        if (!host.isEmpty() && !host.equals("0.0.0.0") && !host.equals("::") && !host.equals("localhost")) {
            hosts.add(host);
        }
        List<String> names = List.copyOf(hosts);
        return new HttpServer.Tls(
                listen, () -> trustDomain.issueServerCertificate(names), true, tls.needClientCertificate());
    }

    private static ServerCertificate serverCertificate(Path certFile, Path keyFile) {
        List<X509Certificate> chain;
        try {
            chain = Pem.decodeCertificates(read("server.tls.cert-file", certFile));
        } catch (MandateException e) {
            throw bad("server.tls.cert-file", certFile, e.getMessage());
        }
        if (chain.isEmpty()) {
            throw bad("server.tls.cert-file", certFile, "it holds no certificate");
        }
        PrivateKey key;
        try (PEMParser parser = new PEMParser(new StringReader(read("server.tls.key-file", keyFile)))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            key = switch (o) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null, default ->
                    throw bad(
                            "server.tls.key-file",
                            keyFile,
                            "it holds no unencrypted PEM private key (PKCS#8 or EC/RSA)");
            };
        } catch (IOException e) {
            // Never the file's text in the message: it is a private key.
            throw bad("server.tls.key-file", keyFile, "it is not a readable PEM private key");
        }
        if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())) {
            throw bad(
                    "server.tls.key-file",
                    keyFile,
                    "it is a " + key.getAlgorithm() + " key but the certificate's key is "
                            + chain.get(0).getPublicKey().getAlgorithm());
        }
        return new ServerCertificate(chain, key);
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
