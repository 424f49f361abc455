package dev.mandate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A lean HTTP/1.1 client for load drivers: one keep-alive socket (TCP_NODELAY), requests encoded once by the caller
 * ({@link #post}), answers read by Content-Length, by chunks, or to the end of the connection, from one buffer
 * without per-byte locking. It costs the shared cores far less than the JDK's {@code HttpClient} (no selector thread,
 * no connection pool, no futures), so more of them go to the servers being measured; every answer is still read
 * whole and returned for checking. Not thread-safe: one caller at a time per connection.
 */
final class KeepAliveHttp implements AutoCloseable {
    /** The largest answer body read; a larger one fails the exchange. */
    static final int MAX_ANSWER = 1 << 20;

    private static final int MAX_LINE = 8_192;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final InetSocketAddress address;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private @Nullable Socket socket;
    private @Nullable InputStream in;
    private @Nullable OutputStream out;

    private KeepAliveHttp(InetSocketAddress address) {
        this.address = address;
    }

    /**
     * A connection to where {@code url} points, opened now so that no measured call pays for it.
     *
     * @throws IOException if the connection cannot be opened
     */
    static KeepAliveHttp open(URI url) throws IOException {
        KeepAliveHttp http = new KeepAliveHttp(new InetSocketAddress(url.getHost(), url.getPort()));
        http.connect();
        return http;
    }

    /**
     * The bytes of one {@code POST} of {@code body} (UTF-8) to {@code url}, with {@code Host}, {@code Content-Length}
     * and the given header lines ({@code "Name: value"}).
     */
    static byte[] post(URI url, List<String> headers, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append("POST ")
                .append(url.getRawPath())
                .append(" HTTP/1.1\r\nHost: ")
                .append(url.getHost())
                .append(':')
                .append(url.getPort())
                .append("\r\nContent-Length: ")
                .append(content.length)
                .append("\r\n");
        for (String h : headers) {
            if (h.indexOf('\r') >= 0 || h.indexOf('\n') >= 0 || h.indexOf(':') < 1) {
                throw new IllegalArgumentException("a header line must be 'Name: value' on one line, got '" + h + "'");
            }
            head.append(h).append("\r\n");
        }
        byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[start.length + content.length];
        System.arraycopy(start, 0, request, 0, start.length);
        System.arraycopy(content, 0, request, start.length, content.length);
        return request;
    }

    /** One answer: its status, header lines as received, and body (UTF-8). */
    record Answer(int status, List<String> headers, String body) {
        /** The value of the first header of that name (case-insensitive), or null. */
        @Nullable
        String header(String name) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon == name.length() && h.regionMatches(true, 0, name, 0, colon)) {
                    return h.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /**
     * Sends {@code request} (from {@link #post}) and reads the whole answer. A connection the server closed is opened
     * again on the next exchange, not this one: a call that fails is reported, not retried.
     *
     * @throws IOException if the connection breaks or the answer is malformed or too large
     */
    Answer exchange(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        OutputStream o = out;
        if (o == null) {
            throw new IOException("not connected to " + address);
        }
        try {
            o.write(request);
            o.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: '" + status + "'");
            }
            int code = Integer.parseInt(status.substring(9, 12));
            List<String> headers = new ArrayList<>(8);
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                if (colon < 1) {
                    throw new IOException("malformed header line: '" + h + "'");
                }
                headers.add(h);
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> {
                        // not needed to read the answer
                    }
                }
            }
            String body;
            if (chunked) {
                StringBuilder b = new StringBuilder();
                for (int size = chunkSize(); size > 0; size = chunkSize()) {
                    if (b.length() + size > MAX_ANSWER) {
                        throw new IOException("a chunked answer over " + MAX_ANSWER + " bytes");
                    }
                    b.append(new String(read(size), StandardCharsets.UTF_8));
                    line();
                }
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers are not needed
                }
                body = b.toString();
            } else if (length >= 0) {
                body = new String(read(length), StandardCharsets.UTF_8);
            } else if (code == 204 || code == 304) {
                body = "";
            } else {
                body = new String(readToEnd(), StandardCharsets.UTF_8);
                close = true;
            }
            if (close) {
                close();
            }
            return new Answer(code, headers, body);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        position = 0;
        limit = 0;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.connect(address, READ_TIMEOUT_MILLIS);
            in = s.getInputStream();
            out = s.getOutputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        position = 0;
        limit = 0;
    }

    private int chunkSize() throws IOException {
        String size = line();
        int semicolon = size.indexOf(';');
        return Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
    }

    /** Fills the buffer behind what is unread; false at the end of the stream. */
    private boolean fill() throws IOException {
        InputStream input = in;
        if (input == null) {
            throw new IOException("not connected to " + address);
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            throw new IOException("a line over " + buffer.length + " bytes");
        }
        int n = input.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    private String line() throws IOException {
        int scanned = 0; // bytes after position already searched for the end of the line
        while (true) {
            for (int i = position + scanned; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    String s = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    return s;
                }
            }
            scanned = limit - position;
            if (scanned > MAX_LINE) {
                throw new IOException("a line over " + MAX_LINE + " bytes");
            }
            if (!fill()) {
                throw new IOException("the server closed the connection"
                        + (scanned == 0 ? " before an answer" : " within an answer"));
            }
        }
    }

    private byte[] read(int n) throws IOException {
        if (n > MAX_ANSWER) {
            throw new IOException("an answer of " + n + " bytes is over " + MAX_ANSWER);
        }
        byte[] b = new byte[n];
        int buffered = Math.min(n, limit - position);
        System.arraycopy(buffer, position, b, 0, buffered);
        position += buffered;
        int done = buffered;
        InputStream input = in;
        while (done < n) {
            int r = input == null ? -1 : input.read(b, done, n - done);
            if (r < 0) {
                throw new IOException("the server closed the connection after " + done + " of " + n + " bytes");
            }
            done += r;
        }
        return b;
    }

    private byte[] readToEnd() throws IOException {
        InputStream input = in;
        if (input == null) {
            throw new IOException("not connected to " + address);
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(buffer, position, limit - position);
        position = limit;
        byte[] chunk = new byte[8_192];
        for (int r = input.read(chunk); r >= 0; r = input.read(chunk)) {
            if (b.size() + r > MAX_ANSWER) {
                throw new IOException("an answer over " + MAX_ANSWER + " bytes");
            }
            b.write(chunk, 0, r);
        }
        return b.toByteArray();
    }
}
