package dev.mandate.app.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/** A request offered to a {@link DirectRoute}: its method, URL, headers and whole body. */
public final class DirectRequest {
    private final Request request;
    private final byte[] body;

    DirectRequest(Request request, byte[] body) {
        this.request = request;
        this.body = body;
    }

    /**
     * Returns the method.
     *
     * @return the method, such as {@code POST}
     */
    public String method() {
        return request.getMethod();
    }

    /**
     * Returns the request URL without its query, as the servlet API's {@code getRequestURL} gives it (so the same as
     * Javalin's {@code ctx.url()}): what a DPoP proof's {@code htu} is compared with.
     *
     * @return the URL
     */
    public String url() {
        return HttpURI.build(request.getHttpURI()).query(null).asString();
    }

    /**
     * Returns the {@code Content-Type} header.
     *
     * @return the header's value, or null when absent
     */
    public @Nullable String contentType() {
        return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    }

    /**
     * Returns every value of a header, in order.
     *
     * @param name the header's name, case-insensitive
     * @return its values, empty when absent
     */
    public List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    /**
     * Returns the body decoded as UTF-8 (what Javalin reads a body without another charset as).
     *
     * @return the body
     */
    public String body() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
