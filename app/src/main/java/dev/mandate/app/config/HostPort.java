package dev.mandate.app.config;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/**
 * Where a server listens: a host name or IP literal and a TCP port; port 0 asks the OS for a free one.
 *
 * @param host the host name or IP literal (IPv6 without brackets)
 * @param port the port, 0 to 65535
 */
public record HostPort(String host, int port) {
    /** Validates both parts. */
    public HostPort {
        if (host.isBlank()) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new MandateException(ErrorCode.BAD_CONFIG, "port out of range 0-65535: " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @param text the address
     * @return the parsed address
     * @throws MandateException with {@code BAD_CONFIG} naming the value and the expected form
     */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "'" + text + "' is not host:port (e.g. 127.0.0.1:8080, or port 0 for any)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "'" + text + "' has a port that is not a number between 0 and 65535");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
