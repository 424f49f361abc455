package dev.mandate.app.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty core handler that serves the {@link DirectRoute}s ahead of Javalin (see there for the contract), inside the
 * graceful-shutdown handler so that stopping still waits for their requests. Every other request, and every request a
 * route declines (body replayed), goes on to Javalin untouched.
 */
final class DirectRoutes extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(DirectRoutes.class);

    private final Map<String, DirectRoute> routes = new HashMap<>();
    private final long maxBodyBytes;
    private final List<RouteGroup> observers;

    DirectRoutes(List<DirectRoute> routes, long maxBodyBytes, List<RouteGroup> observers) {
        for (DirectRoute r : routes) {
            if (this.routes.putIfAbsent(key(r.method(), r.path()), r) != null) {
                throw new IllegalArgumentException("two direct routes for " + r.method() + " " + r.path());
            }
        }
        this.maxBodyBytes = maxBodyBytes;
        this.observers = List.copyOf(observers);
    }

    private static String key(String method, @Nullable String path) {
        return method + " " + path;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        DirectRoute route = request.isSecure()
                ? null
                : routes.get(key(request.getMethod(), request.getHttpURI().getPath()));
        long length = request.getLength();
        // Without a Content-Length within the limit (chunked, too large) Javalin applies its limit and error.
        if (route == null || length < 0 || length > maxBodyBytes) {
            return super.handle(request, response, callback);
        }
        long started = System.nanoTime();
        byte[] body;
        try {
            // Bounded: the HTTP parser delivers exactly Content-Length bytes.
            body = BufferUtil.toArray(Content.Source.asByteBuffer(request));
        } catch (IOException e) {
            callback.failed(e); // the client went away or sent less than it announced
            return true;
        }
        DirectAnswer answer;
        try {
            answer = route.handle(new DirectRequest(request, body));
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.error("internal error {} on {} {}", incident, route.method(), route.path(), e);
            answer = new DirectAnswer(
                    500,
                    Map.of(),
                    ("{\"error\":\"server_error\",\"error_description\":\"internal error; the server log has the"
                                    + " details under " + incident + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
        }
        if (answer == null) {
            return super.handle(new Replayed(request, body), response, callback);
        }
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        answer.headers().forEach(headers::put);
        // Observed before the answer is written, so that whoever reads the metrics after the answer sees it counted.
        long took = System.nanoTime() - started;
        for (RouteGroup g : observers) {
            g.served(route.method(), route.path(), answer.status(), took);
        }
        response.write(true, ByteBuffer.wrap(answer.json()), callback);
        return true;
    }

    /** The request as it came, its body (already read) delivered again from memory. */
    private static final class Replayed extends Request.Wrapper {
        private final byte[] body;
        private final AtomicBoolean delivered = new AtomicBoolean();

        Replayed(Request request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public Content.Chunk read() {
            return delivered.getAndSet(true) ? Content.Chunk.EOF : Content.Chunk.from(ByteBuffer.wrap(body), true);
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run(); // the body is in memory: there is always something to read
        }

        @Override
        public boolean consumeAvailable() {
            delivered.set(true);
            return true;
        }
    }
}
