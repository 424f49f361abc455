package dev.mandate.cedar.extension;

/**
 * A Cedar extension value could not be built or an extension operation failed: a malformed literal (the
 * message quotes it and names the rule it breaks) or an arithmetic overflow of the 64-bit representation.
 * The evaluator turns it into a Cedar evaluation error; it never means "deny" by itself.
 */
public final class ExtensionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExtensionException(String message) {
        super(message);
    }

    /** Throws when {@code text} is longer than {@link #MAX_LITERAL_LENGTH}; shared by every parser here. */
    static void checkLength(String type, String text) {
        if (text.length() > MAX_LITERAL_LENGTH) {
            throw new ExtensionException(type + " literal of " + text.length() + " characters is longer than the limit "
                    + MAX_LITERAL_LENGTH + " (ExtensionException.MAX_LITERAL_LENGTH)");
        }
    }

    /**
     * The longest string any extension constructor accepts. The reference has no such limit, but every valid
     * literal is far shorter unless padded with thousands of leading zeros.
     */
    public static final int MAX_LITERAL_LENGTH = 1024;
}
