package dev.mandate.app;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.keys.SigningKeys;
import org.jspecify.annotations.Nullable;

/**
 * Breaks the one cycle of the composition root: the audit log signs checkpoints with the signing keys, and the
 * signing keys record their creation in the audit log. The log gets this stand-in, which delegates once the keys
 * exist; until then it fails (closed), which only delays a checkpoint.
 */
final class LateSigningKeys implements SigningKeys {
    private volatile @Nullable SigningKeys keys;

    void set(SigningKeys keys) {
        this.keys = keys;
    }

    private SigningKeys keys() {
        SigningKeys k = keys;
        if (k == null) {
            throw new MandateException(ErrorCode.INTERNAL, "the signing keys are not loaded yet");
        }
        return k;
    }

    @Override
    public String sign(JWTClaimsSet claims, JOSEObjectType type) {
        return keys().sign(claims, type);
    }

    @Override
    public JWTClaimsSet verify(String jwt) {
        return keys().verify(jwt);
    }

    @Override
    public JWKSet publicJwks() {
        return keys().publicJwks();
    }
}
