package dev.mandate.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.keys.KeyRepository;
import dev.mandate.core.keys.StoredKey;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The embedded trust domain's X.509 certificate authority, built with BouncyCastle: a self-signed ECDSA P-256 root
 * (persisted, private key included, as key set {@value #KEY_SET}) that issues X.509-SVID leaf certificates. The root
 * signs leaves directly; there is no intermediate.
 */
final class EmbeddedCa {
    static final String KEY_SET = "x509-ca";
    static final Duration ROOT_LIFETIME = Duration.ofDays(3650);

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A root that a rotation replaced: it issues nothing any more but stays in the bundle until the leaves it issued
     * have expired.
     *
     * @param root the old root certificate
     * @param retiredAt when it was replaced
     */
    record RetiredRoot(X509Certificate root, Instant retiredAt) {}

    private final X509Certificate root;
    private final PrivateKey rootKey;
    private final String kid;
    private final List<RetiredRoot> retired;

    private EmbeddedCa(X509Certificate root, PrivateKey rootKey, String kid, List<RetiredRoot> retired) {
        this.root = root;
        this.rootKey = rootKey;
        this.kid = kid;
        this.retired = List.copyOf(retired);
    }

    static EmbeddedCa loadOrCreate(KeyRepository keys, String trustDomain, Clock clock, AuditSink audit) {
        List<StoredKey> stored = keys.load(KEY_SET);
        StoredKey current = current(stored);
        if (current == null) {
            current = create(
                    trustDomain,
                    clock,
                    audit,
                    "first start: no X.509 CA for trust domain " + trustDomain + " yet",
                    "system");
            keys.rotate(KEY_SET, current);
            stored = keys.load(KEY_SET);
        }
        return of(current, stored);
    }

    /**
     * Reads the CA as the store holds it now, as another node sharing the store may have rotated it; never creates one.
     *
     * @throws MandateException with {@code UNAVAILABLE} if the store cannot be read, {@code INTERNAL} if it holds no
     *     issuing root for key set {@value #KEY_SET}
     */
    static EmbeddedCa load(KeyRepository keys) {
        List<StoredKey> stored = keys.load(KEY_SET);
        StoredKey current = current(stored);
        if (current == null) {
            // A rotation retires the old root and stores the new one in one transaction: no root means a broken store.
            throw new MandateException(
                    ErrorCode.INTERNAL,
                    "the store holds no issuing root for key set " + KEY_SET + "; keeping the CA loaded before");
        }
        return of(current, stored);
    }

    private static @Nullable StoredKey current(List<StoredKey> stored) {
        return stored.stream()
                .filter(k -> k.retiredAt() == null)
                .reduce((a, b) -> b)
                .orElse(null);
    }

    private static EmbeddedCa of(StoredKey current, List<StoredKey> stored) {
        List<RetiredRoot> retired = new ArrayList<>();
        for (StoredKey k : stored) {
            Instant retiredAt = k.retiredAt();
            if (retiredAt != null) {
                retired.add(new RetiredRoot(certificate(k), retiredAt));
            }
        }
        try {
            ECKey key = ECKey.parse(current.privateJwk());
            return new EmbeddedCa(certificate(current), key.toECPrivateKey(), current.kid(), retired);
        } catch (ParseException | JOSEException e) {
            // Never the JWK text in the message: it holds the private key.
            throw new MandateException(ErrorCode.INTERNAL, "the stored CA key '" + current.kid() + "' cannot be read");
        }
    }

    /**
     * Makes a new root the issuing one; the old roots stay in the store (and the bundle) as retired until they may be
     * removed.
     *
     * @return the CA with the new root
     */
    static EmbeddedCa rotate(KeyRepository keys, String trustDomain, Clock clock, AuditSink audit, String actor) {
        StoredKey next = create(trustDomain, clock, audit, "rotated by " + actor, actor);
        keys.rotate(KEY_SET, next);
        return loadOrCreate(keys, trustDomain, clock, audit);
    }

    private static X509Certificate certificate(StoredKey stored) {
        try {
            List<X509Certificate> chain = ECKey.parse(stored.privateJwk()).getParsedX509CertChain();
            if (chain == null || chain.isEmpty()) {
                throw new MandateException(
                        ErrorCode.INTERNAL, "the stored CA key '" + stored.kid() + "' has no certificate");
            }
            return chain.get(0);
        } catch (ParseException e) {
            throw new MandateException(ErrorCode.INTERNAL, "the stored CA key '" + stored.kid() + "' cannot be read");
        }
    }

    String kid() {
        return kid;
    }

    List<RetiredRoot> retired() {
        return retired;
    }

    private static StoredKey create(String trustDomain, Clock clock, AuditSink audit, String reason, String actor) {
        try {
            ECKey pair = new ECKeyGenerator(Curve.P_256).generate();
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "Mandate")
                    .addRDN(BCStyle.CN, "Mandate root CA for " + trustDomain)
                    .build();
            PublicKey publicKey = pair.toECPublicKey();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    name,
                    serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(ROOT_LIFETIME)),
                    name,
                    publicKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain)));
            X509Certificate root = sign(b, pair.toECPrivateKey());
            ECKey withCert = new ECKey.Builder(pair)
                    .x509CertChain(List.of(Base64.encode(root.getEncoded())))
                    .keyIDFromThumbprint()
                    .build();
            String kid = Objects.requireNonNull(withCert.getKeyID(), "kid");
            audit.record(new AuditEntry(
                    "key.rotated",
                    actor,
                    KEY_SET,
                    reason,
                    Map.of(
                            "kid",
                            kid,
                            "serial",
                            root.getSerialNumber().toString(16),
                            "notAfter",
                            root.getNotAfter().toInstant().toString())));
            return new StoredKey(kid, withCert.toJSONString(), clock.instant().truncatedTo(ChronoUnit.MILLIS), null);
        } catch (JOSEException | GeneralSecurityException | CertIOException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot create the embedded CA: " + e.getMessage(), e);
        }
    }

    X509Certificate root() {
        return root;
    }

    /**
     * Issues an X.509-SVID leaf.
     *
     * @param key the workload's public key
     * @param id its SPIFFE ID, the only URI SAN
     * @param notBefore start of validity
     * @param notAfter end of validity, capped at the root's
     * @return the certificate
     */
    X509Certificate issueLeaf(PublicKey key, SpiffeId id, Instant notBefore, Instant notAfter) {
        return issueLeaf(key, id, List.of(), notBefore, notAfter);
    }

    /**
     * Issues an X.509-SVID leaf that also names the hosts it serves (DNS names and IP addresses), as a server
     * certificate must for TLS clients that check host names.
     *
     * @param key the workload's public key
     * @param id its SPIFFE ID, the only URI SAN
     * @param hosts DNS names and IP address literals to add as SANs
     * @param notBefore start of validity
     * @param notAfter end of validity, capped at the root's
     * @return the certificate
     */
    X509Certificate issueLeaf(PublicKey key, SpiffeId id, List<String> hosts, Instant notBefore, Instant notAfter) {
        Instant end = notAfter.isAfter(root.getNotAfter().toInstant())
                ? root.getNotAfter().toInstant()
                : notAfter;
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "SPIFFE")
                    .addRDN(BCStyle.CN, id.path().substring(id.path().lastIndexOf('/') + 1))
                    .build();
            X509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(root, serial(), Date.from(notBefore), Date.from(end), subject, key);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans(id, hosts)));
            return sign(b, rootKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new MandateException(
                    ErrorCode.INTERNAL, "cannot issue an X.509-SVID for " + id + ": " + e.getMessage(), e);
        }
    }

    private static GeneralName[] sans(SpiffeId id, List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString()));
        for (String host : hosts) {
            boolean ip = host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        return names.toArray(GeneralName[]::new);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("no SHA256withECDSA signer", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }
}
