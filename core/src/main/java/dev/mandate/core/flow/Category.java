package dev.mandate.core.flow;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.util.regex.Pattern;

/**
 * A data category a result may carry, such as {@code pii} or {@code secret}. The well-known ones are constants; others
 * are free-form names that follow the same rule.
 *
 * @param name lower case letters, digits, {@code _} and {@code -}, starting with a letter, at most
 *     {@value #MAX_LENGTH} characters; never {@code untrusted} or a sensitivity name, which mean something else in
 *     label text
 */
public record Category(String name) implements Comparable<Category> {
    /** The longest category name accepted. */
    public static final int MAX_LENGTH = 32;

    // Before the constants: they are validated against it during class initialisation.
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0," + (MAX_LENGTH - 1) + "}");

    /** Personally identifiable information. */
    public static final Category PII = new Category("pii");
    /** Protected health information. */
    public static final Category PHI = new Category("phi");
    /** Payment card data. */
    public static final Category PCI = new Category("pci");
    /** Secrets: passwords, keys, tokens. */
    public static final Category SECRET = new Category("secret");

    /** Validates the name. */
    public Category {
        if (!NAME.matcher(name).matches()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "invalid label category '" + name + "': 1-" + MAX_LENGTH
                            + " characters of a-z 0-9 _ -, starting with a letter");
        }
        if (name.equals(FlowLabels.UNTRUSTED_WORD) || isSensitivityName(name)) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "invalid label category '" + name + "': that word is reserved for integrity or sensitivity");
        }
    }

    private static boolean isSensitivityName(String name) {
        for (Sensitivity s : Sensitivity.values()) {
            if (s.wireName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int compareTo(Category other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
