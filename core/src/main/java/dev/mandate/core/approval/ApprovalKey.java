package dev.mandate.core.approval;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/**
 * Exactly which call an approval is for.
 *
 * @param mandateId the mandate making the call
 * @param tool the action, {@code <server>.<tool>}
 * @param argumentDigest {@code sha256:<hex>} of the canonical arguments
 * @param policyVersion the policy-set version that asked for approval
 */
public record ApprovalKey(String mandateId, String tool, String argumentDigest, String policyVersion) {
    /** The longest part accepted. */
    public static final int MAX_PART_LENGTH = 2048;

    /** Checks every part is present and bounded. */
    public ApprovalKey {
        for (String part : new String[] {mandateId, tool, argumentDigest, policyVersion}) {
            if (part.isEmpty() || part.length() > MAX_PART_LENGTH) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST,
                        "approval key part '" + part + "' must have 1-" + MAX_PART_LENGTH + " characters");
            }
        }
    }
}
