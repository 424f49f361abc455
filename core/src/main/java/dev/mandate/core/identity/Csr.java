package dev.mandate.core.identity;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A PKCS#10 certificate signing request as a workload sends it: its self-signature is the proof that the workload
 * holds the private key of the public key it asks a certificate for. Only the public key is used; the subject and
 * extensions the workload asked for are ignored, since Mandate decides the SPIFFE ID.
 */
final class Csr {
    /** The largest CSR accepted, in characters of PEM. */
    static final int MAX_PEM_LENGTH = 16 * 1024;

    private Csr() {}

    /**
     * Parses a PEM CSR, checks its signature and returns its public key.
     *
     * @throws IdentityException with {@code BAD_PROOF} if the signature does not verify
     * @throws MandateException with {@code BAD_REQUEST} if it is not a CSR or its key is not EC P-256
     */
    static PublicKey verifiedPublicKey(String pem) {
        if (pem.length() > MAX_PEM_LENGTH) {
            throw bad("the CSR is longer than " + MAX_PEM_LENGTH + " characters");
        }
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw bad("the CSR is not PEM: " + e.getMessage());
        }
        if (!(parsed instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest request)) {
            throw bad("expected a PEM 'CERTIFICATE REQUEST' (PKCS#10)");
        }
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
            PublicKey key = jca.getPublicKey();
            if (!(key instanceof ECPublicKey ec)
                    || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw bad("the CSR's key must be an ECDSA P-256 key, got " + key.getAlgorithm());
            }
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new IdentityException(
                        IdentityFailure.BAD_PROOF, "the CSR's signature does not verify with its own public key");
            }
            return key;
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IdentityException(IdentityFailure.BAD_PROOF, "the CSR cannot be verified: " + e.getMessage());
        }
    }

    static byte[] der(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            if (parsed instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest request) {
                return CertificationRequest.getInstance(request.toASN1Structure())
                        .getEncoded();
            }
        } catch (IOException | RuntimeException e) {
            throw bad("the CSR is not PEM: " + e.getMessage());
        }
        throw bad("expected a PEM 'CERTIFICATE REQUEST' (PKCS#10)");
    }

    private static MandateException bad(String message) {
        return new MandateException(ErrorCode.BAD_REQUEST, message);
    }
}
