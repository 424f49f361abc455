package dev.mandate.app;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
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
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.jspecify.annotations.Nullable;

/**
 * Reads the identity files configuration points at: SPIFFE bundles of other trust domains, the OIDC issuers' JWKS
 * and discovery documents, and the TLS listener's certificate.
 * Anything unreadable or invalid stops start-up with a message naming the key and the file.
 */
final class IdentityFiles {
    /** The largest file read. */
    static final long MAX_FILE_BYTES = 1 << 20;

    /** The most issuer files read from {@code oidc.issuer-dir}. */
    static final int MAX_OIDC_ISSUERS = 100;

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

    private static @Nullable OidcIssuer oidcIssuer(Config config) {
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

    /**
     * Every accepted OIDC issuer: the one of {@code oidc.issuer} and {@code oidc.jwks-file}, then one per {@code
     * *.json} file of {@code oidc.issuer-dir}, each an OpenID Provider Metadata (discovery) document as served at
     * {@code /.well-known/openid-configuration}, kept on disk: {@code issuer}, and {@code jwks_uri} naming a file (a
     * {@code file:} URI, or a path, relative to the document's directory); an optional {@code client_id} member is the
     * audience for that issuer instead of {@code oidc.audience}. Other members are ignored. Mandate fetches no URL.
     *
     * @throws MandateException with {@code BAD_CONFIG} naming the key, the file and the rule
     */
    static List<OidcIssuer> oidcIssuers(Config config) {
        List<OidcIssuer> out = new ArrayList<>();
        OidcIssuer single = oidcIssuer(config);
        if (single != null) {
            out.add(single);
        }
        Path dir = config.oidcIssuerDir();
        if (dir == null) {
            return out;
        }
        String key = "oidc.issuer-dir";
        if (!Files.isDirectory(dir)) {
            throw bad(key, dir, "it is not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*.json")) {
            listing.forEach(files::add);
        } catch (IOException e) {
            throw bad(key, dir, "it cannot be listed (" + e.getMessage() + ")");
        }
        files.sort(null);
        if (files.size() > MAX_OIDC_ISSUERS) {
            throw bad(key, dir, "it holds " + files.size() + " issuer files; at most " + MAX_OIDC_ISSUERS);
        }
        for (Path file : files) {
            OidcIssuer issuer = discovered(file, config.oidcAudience());
            for (OidcIssuer other : out) {
                if (other.issuer().equals(issuer.issuer())) {
                    throw bad(key, file, "issuer '" + issuer.issuer() + "' is configured twice");
                }
            }
            out.add(issuer);
        }
        return out;
    }

    private static OidcIssuer discovered(Path file, String defaultAudience) {
        String key = "oidc.issuer-dir";
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(read(key, file));
        } catch (ParseException e) {
            throw bad(key, file, "it is not a JSON object: " + e.getMessage());
        }
        String issuer = member(doc, "issuer", key, file);
        URI iss;
        try {
            iss = new URI(issuer);
        } catch (URISyntaxException e) {
            throw bad(key, file, "issuer '" + issuer + "' is not a URL");
        }
        if (!"https".equals(iss.getScheme())
                || iss.getHost() == null
                || iss.getQuery() != null
                || iss.getFragment() != null) {
            throw bad(
                    key,
                    file,
                    "issuer '" + issuer + "' must be an https URL without query or fragment (OpenID"
                            + " Connect Discovery 1.0 §3)");
        }
        String jwksUri = member(doc, "jwks_uri", key, file);
        Path jwksFile;
        if (jwksUri.startsWith("file:")) {
            try {
                jwksFile = Path.of(new URI(jwksUri));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw bad(key, file, "jwks_uri '" + jwksUri + "' is not a file URI");
            }
        } else if (jwksUri.contains("://")) {
            throw bad(
                    key,
                    file,
                    "jwks_uri '" + jwksUri + "' is a URL; Mandate fetches none: point it at a JWKS file (a file: URI"
                            + " or a path relative to this document)");
        } else {
            Path parent = file.toAbsolutePath().getParent();
            jwksFile = parent == null ? Path.of(jwksUri) : parent.resolve(jwksUri);
        }
        JWKSet keys;
        try {
            keys = JWKSet.parse(read(key, jwksFile));
        } catch (ParseException e) {
            throw bad(key, jwksFile, "the jwks_uri of " + file + " is not a JWK set: " + e.getMessage());
        }
        if (keys.getKeys().isEmpty()) {
            throw bad(key, jwksFile, "the jwks_uri of " + file + " holds no keys");
        }
        Object clientId = doc.get("client_id");
        if (clientId != null && (!(clientId instanceof String c) || c.isBlank() || c.length() > 256)) {
            throw bad(key, file, "client_id must be a string of 1-256 characters");
        }
        return new OidcIssuer(issuer, keys, clientId instanceof String c ? c : defaultAudience);
    }

    private static String member(Map<String, Object> doc, String name, String key, Path file) {
        Object v = doc.get(name);
        if (!(v instanceof String s) || s.isBlank()) {
            throw bad(key, file, "it needs '" + name + "' as a non-empty string");
        }
        return s;
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
