package dev.mandate.core.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.SecureRandom;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.jspecify.annotations.Nullable;

/**
 * EdDSA (Ed25519, RFC 8037) signing and verification of JWS objects for Nimbus JOSE+JWT, with BouncyCastle's Ed25519.
 * Nimbus brings the JOSE layer but delegates Ed25519 to Google Tink; BouncyCastle is already Mandate's crypto library
 * and signs about five times faster than the JDK's Ed25519 (and ES256), which makes token issuance cheaper.
 *
 * <p>Verification refuses any header with critical parameters, since none are understood here (RFC 7515 §4.1.11).
 */
final class Ed25519Jws implements JWSSigner, JWSVerifier {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final @Nullable Ed25519PrivateKeyParameters privateKey;
    private final Ed25519PublicKeyParameters publicKey;
    private final JCAContext jca = new JCAContext();

    private Ed25519Jws(@Nullable Ed25519PrivateKeyParameters privateKey, Ed25519PublicKeyParameters publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * Returns a signer and verifier for an Ed25519 key pair, or a verifier only for a public key.
     *
     * @param key an OKP JWK on curve Ed25519
     * @throws IllegalArgumentException if the key is on another curve
     */
    static Ed25519Jws of(OctetKeyPair key) {
        if (!Curve.Ed25519.equals(key.getCurve())) {
            throw new IllegalArgumentException("key '" + key.getKeyID() + "' is on curve " + key.getCurve()
                    + "; EdDSA signing keys must be on Ed25519");
        }
        Ed25519PublicKeyParameters pub = new Ed25519PublicKeyParameters(key.getDecodedX(), 0);
        Ed25519PrivateKeyParameters priv =
                key.isPrivate() ? new Ed25519PrivateKeyParameters(key.getDecodedD(), 0) : null;
        return new Ed25519Jws(priv, pub);
    }

    /**
     * Generates a new Ed25519 key pair as a JWK whose key id is its thumbprint.
     *
     * @param use the {@code use} to publish with the key
     * @param random the randomness source
     * @throws JOSEException if the thumbprint cannot be computed
     */
    static OctetKeyPair generate(KeyUse use, SecureRandom random) throws JOSEException {
        Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(random);
        OctetKeyPair key = new OctetKeyPair.Builder(
                        Curve.Ed25519, Base64URL.encode(priv.generatePublicKey().getEncoded()))
                .d(Base64URL.encode(priv.getEncoded()))
                .keyUse(use)
                .algorithm(JWSAlgorithm.EdDSA)
                .keyIDFromThumbprint()
                .build();
        return key;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (privateKey == null) {
            throw new JOSEException("this Ed25519 key has no private part and cannot sign");
        }
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new JOSEException("an Ed25519 key signs with EdDSA, not " + header.getAlgorithm());
        }
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(signingInput, 0, signingInput.length);
        return Base64URL.encode(signer.generateSignature());
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signedContent, Base64URL signature) {
        if (!ALGORITHMS.contains(header.getAlgorithm())
                || (header.getCriticalParams() != null
                        && !header.getCriticalParams().isEmpty())) {
            return false;
        }
        byte[] sig = signature.decode();
        if (sig.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, publicKey);
        verifier.update(signedContent, 0, signedContent.length);
        return verifier.verifySignature(sig);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
