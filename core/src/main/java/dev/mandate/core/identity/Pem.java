package dev.mandate.core.identity;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM encoding of certificate chains, as the SVID API sends and receives them. */
public final class Pem {
    /** The longest PEM chain accepted. */
    public static final int MAX_CHAIN_PEM_LENGTH = 64 * 1024;

    private Pem() {}

    /**
     * Encodes certificates as concatenated PEM blocks.
     *
     * @param chain the certificates, in order
     * @return the PEM text
     */
    public static String encode(List<X509Certificate> chain) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (X509Certificate c : chain) {
                pem.writeObject(c);
            }
        } catch (IOException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot encode a certificate as PEM", e);
        }
        return out.toString();
    }

    /**
     * Decodes concatenated PEM certificate blocks.
     *
     * @param pem the PEM text
     * @return the certificates, in order
     * @throws MandateException with {@code BAD_REQUEST} if the text is too long or holds no valid certificate
     */
    public static List<X509Certificate> decodeCertificates(String pem) {
        if (pem.length() > MAX_CHAIN_PEM_LENGTH) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "the certificate chain is longer than " + MAX_CHAIN_PEM_LENGTH + " characters");
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : certs) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new MandateException(ErrorCode.BAD_REQUEST, "no PEM certificate found");
            }
            return chain;
        } catch (CertificateException e) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST, "the certificate chain is not valid PEM: " + e.getMessage());
        }
    }
}
