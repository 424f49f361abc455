package dev.mandate.app.http;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.ServerCertificate;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional TLS listener beside the plain one: Jetty's {@link SslContextFactory.Server} with the node's certificate,
 * asking clients for a certificate ({@code want}, or {@code need}) whose trust is decided per request
 * ({@link ClientCertificateTrust}). The same routes answer on both listeners; requests over this one carry the client's
 * chain as the servlet attribute {@value #CLIENT_CHAIN_ATTRIBUTE}. A certificate that the node issued itself is
 * replaced when half its lifetime has passed, and at once when the issuing CA is rotated ({@link #renewNow}).
 */
final class TlsListener implements AutoCloseable {
    /** The request attribute holding the client's certificate chain, leaf first. */
    static final String CLIENT_CHAIN_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private static final Logger LOG = LoggerFactory.getLogger(TlsListener.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer.Tls settings;
    private final SslContextFactory.Server ssl;
    private final InstantSource clock = InstantSource.system();
    private final String password;
    private @org.jspecify.annotations.Nullable ServerConnector connector;
    private @org.jspecify.annotations.Nullable ScheduledExecutorService renewer;
    private volatile @org.jspecify.annotations.Nullable ScheduledFuture<?> nextRenewal; // set on the renewer thread

    TlsListener(HttpServer.Tls settings) {
        this.settings = settings;
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        this.password = Base64.getEncoder().encodeToString(secret); // protects the in-memory key store only
        this.ssl = new SslContextFactory.Server() {
            @Override
            protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
                return new TrustManager[] {new ClientCertificateTrust()};
            }
        };
        ssl.setKeyStore(keyStore(settings.certificates().get()));
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        if (settings.needClientCertificate()) {
            ssl.setNeedClientAuth(true);
        } else {
            ssl.setWantClientAuth(true);
        }
    }

    /** Builds the connector; Javalin adds it to the server it creates. */
    ServerConnector connector(Server server, HttpConfiguration plain) {
        HttpConfiguration https = new HttpConfiguration(plain);
        https.setSecureScheme("https");
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // The node's own certificate names its hosts; a client that sends another SNI name is still served.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector c = new ServerConnector(
                server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        c.setHost(settings.listen().host());
        c.setPort(settings.listen().port());
        this.connector = c;
        return c;
    }

    /** Arms the renewal of a self-issued certificate once the server runs. */
    void started() {
        if (!settings.renew()) {
            return;
        }
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mandate-tls-renew");
            t.setDaemon(true);
            return t;
        });
        renewer = s;
        schedule(s, currentExpiry());
    }

    private void schedule(ScheduledExecutorService s, Instant expires) {
        Duration left = Duration.between(clock.instant(), expires);
        long delay = Math.max(1_000, left.toMillis() / 2);
        nextRenewal = s.schedule(this::renew, delay, TimeUnit.MILLISECONDS); // renew() handles its own failures
    }

    /**
     * Replaces a self-issued certificate now rather than at half its lifetime: the issuing CA was rotated, and the
     * listener moves to the new root at once. Does nothing for a certificate from files.
     */
    void renewNow() {
        ScheduledExecutorService s = renewer;
        if (s == null) {
            return;
        }
        try {
            s.execute(this::renew);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void renew() {
        ScheduledFuture<?> pending = nextRenewal;
        if (pending != null) {
            pending.cancel(false); // one renewal chain: this run schedules the next
        }
        ScheduledExecutorService s = renewer;
        try {
            ServerCertificate next = settings.certificates().get();
            ssl.reload(f -> f.setKeyStore(keyStore(next)));
            LOG.info("TLS listener: new certificate, valid until {}", next.expiresAt());
            if (s != null) {
                schedule(s, next.expiresAt());
            }
        } catch (Exception e) {
            // Retry soon: the current certificate is still valid for half its lifetime.
            LOG.error("TLS listener: cannot renew the certificate; retrying in a minute", e);
            if (s != null) {
                nextRenewal = s.schedule(this::renew, 1, TimeUnit.MINUTES);
            }
        }
    }

    private Instant currentExpiry() {
        try {
            KeyStore ks = ssl.getKeyStore();
            X509Certificate leaf = (X509Certificate) ks.getCertificate("mandate");
            return leaf.getNotAfter().toInstant();
        } catch (GeneralSecurityException | RuntimeException e) {
            return clock.instant().plus(Duration.ofMinutes(2));
        }
    }

    int port() {
        ServerConnector c = connector;
        return c == null ? -1 : c.getLocalPort();
    }

    private KeyStore keyStore(ServerCertificate cert) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(
                    "mandate", cert.key(), password.toCharArray(), cert.chain().toArray(X509Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "the TLS listener's certificate cannot be used: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService s = renewer;
        if (s != null) {
            s.shutdownNow();
        }
    }
}
