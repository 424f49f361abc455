package dev.mandate.core.identity;

import dev.mandate.core.MandateException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies X.509-SVID chains per the SPIFFE X.509-SVID specification: the leaf carries exactly one URI SAN, a SPIFFE
 * ID; it is not a CA and may sign but not issue certificates; the chain validates (PKIX, at the injected clock's time)
 * to an {@code x509-svid} authority of the leaf's trust domain. Thread-safe.
 */
public final class X509SvidVerifier {
    /** The longest chain accepted. */
    public static final int MAX_CHAIN_LENGTH = 10;

    private static final int URI_SAN = 6;
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private final TrustBundleSource bundles;
    private final Clock clock;

    /**
     * Creates the verifier.
     *
     * @param bundles where trust bundles come from
     * @param clock the time source
     */
    public X509SvidVerifier(TrustBundleSource bundles, Clock clock) {
        this.bundles = bundles;
        this.clock = clock;
    }

    /**
     * Verifies a chain.
     *
     * @param chain leaf first; the root may be omitted
     * @return the verified workload, expiring when the first certificate of the chain expires
     * @throws IdentityException naming the {@link IdentityFailure}
     */
    public VerifiedWorkload verify(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IdentityException(IdentityFailure.MALFORMED, "no certificate was presented");
        }
        if (chain.size() > MAX_CHAIN_LENGTH) {
            throw new IdentityException(
                    IdentityFailure.TOO_LARGE,
                    "the chain has " + chain.size() + " certificates; at most " + MAX_CHAIN_LENGTH);
        }
        X509Certificate leaf = chain.get(0);
        SpiffeId id = spiffeId(leaf);
        checkLeaf(leaf);
        TrustBundle bundle = bundles.bundle(id.trustDomain())
                .orElseThrow(() -> new IdentityException(
                        IdentityFailure.UNKNOWN_TRUST_DOMAIN,
                        "the X.509-SVID is from trust domain '" + id.trustDomain()
                                + "', which has no trust bundle here"));
        if (bundle.x509Authorities().isEmpty()) {
            throw new IdentityException(
                    IdentityFailure.UNTRUSTED_CHAIN,
                    "the bundle of trust domain '" + id.trustDomain() + "' has no X.509 authorities");
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate authority : bundle.x509Authorities()) {
            anchors.add(new TrustAnchor(authority, null));
        }
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!bundle.x509Authorities().contains(c)) {
                path.add(c);
            }
        }
        Instant now = clock.instant();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (CertPathValidatorException e) {
            throw pathFailure(id, e);
        } catch (GeneralSecurityException e) {
            throw new IdentityException(
                    IdentityFailure.UNTRUSTED_CHAIN, "the chain of " + id + " cannot be validated: " + e.getMessage());
        }
        Instant expiresAt = leaf.getNotAfter().toInstant();
        for (X509Certificate c : path) {
            if (c.getNotAfter().toInstant().isBefore(expiresAt)) {
                expiresAt = c.getNotAfter().toInstant();
            }
        }
        return new VerifiedWorkload(id, expiresAt, "x509-svid", Set.of());
    }

    private static IdentityException pathFailure(SpiffeId id, CertPathValidatorException e) {
        Throwable cause = e.getCause();
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                || cause instanceof CertificateExpiredException) {
            return new IdentityException(
                    IdentityFailure.EXPIRED, "a certificate of the chain of " + id + " has expired");
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID
                || cause instanceof CertificateNotYetValidException) {
            return new IdentityException(
                    IdentityFailure.NOT_YET_VALID, "a certificate of the chain of " + id + " is not valid yet");
        }
        return new IdentityException(
                IdentityFailure.UNTRUSTED_CHAIN,
                "the chain of " + id + " does not lead to an authority of its trust domain: " + e.getMessage());
    }

    /**
     * Returns the one SPIFFE ID in a certificate's URI SANs.
     *
     * @param cert the certificate
     * @return the SPIFFE ID
     * @throws IdentityException with {@code BAD_SUBJECT} unless there is exactly one URI SAN and it is a SPIFFE ID
     */
    static SpiffeId spiffeId(X509Certificate cert) {
        List<String> uris = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(URI_SAN).equals(san.get(0))) {
                        uris.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IdentityException(IdentityFailure.MALFORMED, "the certificate's SANs cannot be read");
        }
        if (uris.size() != 1) {
            throw new IdentityException(
                    IdentityFailure.BAD_SUBJECT,
                    "an X.509-SVID has exactly one URI SAN, a SPIFFE ID; this one has " + uris.size());
        }
        try {
            return SpiffeId.parse(uris.get(0));
        } catch (MandateException e) {
            throw new IdentityException(IdentityFailure.BAD_SUBJECT, e.getMessage());
        }
    }

    private static void checkLeaf(X509Certificate leaf) {
        if (leaf.getBasicConstraints() != -1) {
            throw new IdentityException(IdentityFailure.UNTRUSTED_CHAIN, "the leaf certificate is a CA certificate");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null || !usage[DIGITAL_SIGNATURE]) {
            throw new IdentityException(IdentityFailure.UNTRUSTED_CHAIN, "the leaf certificate lacks digitalSignature");
        }
        if (usage.length > CRL_SIGN && (usage[KEY_CERT_SIGN] || usage[CRL_SIGN])) {
            throw new IdentityException(
                    IdentityFailure.UNTRUSTED_CHAIN, "the leaf certificate may sign certificates or CRLs");
        }
    }
}
