package dev.mandate.app.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/events} (admin token): the audit log as it grows, as server-sent events. Each audit event is one SSE
 * event named after its type ({@code gateway.call}, {@code mandate.revoked}, ...) whose id is its sequence number and
 * whose data is the event as JSON. The stream starts with a {@code ready} event; {@code ?after=<seq>} or the
 * {@code Last-Event-ID} header first replays what followed that event (at most one page of {@value AuditLog#MAX_PAGE};
 * a {@code gap} event says when more was skipped, to be read from {@code GET /v1/audit}). A comment every
 * {@value #HEARTBEAT_MILLIS} ms keeps idle connections open.
 */
public final class EventRoutes implements RouteGroup {
    /** The most event streams open at once. */
    public static final int MAX_STREAMS = 32;

    /** How often an idle stream gets a keep-alive comment. */
    static final long HEARTBEAT_MILLIS = 15_000;

    /** How long one wait for the next event lasts, so a closed feed ends the stream promptly. */
    private static final long POLL_MILLIS = 250;

    private final AuditLog log;
    private final AuditFeed feed;
    private final ObjectMapper json;

    private EventRoutes(AuditLog log, AuditFeed feed, ObjectMapper json) {
        this.log = log;
        this.feed = feed;
        this.json = json;
    }

    /**
     * Creates the routes and starts following the log.
     *
     * @param log the audit log whose appends are streamed
     * @param json the JSON mapper
     * @return the routes
     */
    public static EventRoutes over(AuditLog log, ObjectMapper json) {
        return new EventRoutes(log, AuditFeed.attach(log, MAX_STREAMS), json);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/events", this::open);
    }

    /** Ends every open stream, so that the server's graceful stop does not wait for them. */
    @Override
    public void stopping() {
        feed.close();
    }

    private void open(Context ctx) throws Exception {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "GET /v1/events is a server-sent event stream: send Accept: text/event-stream");
        }
        long after = after(ctx);
        AuditFeed.Subscriber subscriber = feed.subscribe();
        try {
            new SseHandler(client -> stream(client, subscriber, after)).handle(ctx);
        } catch (RuntimeException e) {
            subscriber.close();
            throw e;
        }
    }

    private static long after(Context ctx) {
        String given = ctx.queryParam("after");
        String name = "after";
        if (given == null) {
            given = ctx.header("Last-Event-ID");
            name = "Last-Event-ID";
        }
        if (given == null || given.isBlank()) {
            return -1;
        }
        try {
            long after = Long.parseLong(given.strip());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MandateException(
                ErrorCode.BAD_REQUEST, name + " must be an audit sequence number (0 or more), got '" + given + "'");
    }

    private void stream(SseClient client, AuditFeed.Subscriber subscriber, long after) {
        try (subscriber) {
            client.sendEvent("ready", "{}", null);
            long last = after >= 0 ? replay(client, after) : -1;
            long idle = 0;
            while (!subscriber.ended() && !client.terminated()) {
                if (subscriber.takeOverflow()) {
                    last = last >= 0 ? replay(client, last) : gap(client, -1);
                    continue;
                }
                AuditEvent e = subscriber.next(POLL_MILLIS);
                if (e == null) {
                    idle += POLL_MILLIS;
                    if (idle >= HEARTBEAT_MILLIS) {
                        client.sendComment("keep-alive");
                        idle = 0;
                    }
                } else if (e.seq() > last) {
                    send(client, e);
                    last = e.seq();
                    idle = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long replay(SseClient client, long after) {
        List<AuditEvent> page = log.page(after, AuditLog.MAX_PAGE);
        long last = after;
        for (AuditEvent e : page) {
            send(client, e);
            last = e.seq();
        }
        return page.size() == AuditLog.MAX_PAGE ? gap(client, last) : last;
    }

    /** Tells the client that events after {@code after} were skipped; the stream goes on with live events. */
    private static long gap(SseClient client, long after) {
        client.sendEvent("gap", "{\"after\":" + after + "}", null);
        return after;
    }

    private void send(SseClient client, AuditEvent e) {
        client.sendEvent(e.type(), toJson(e), Long.toString(e.seq()));
    }

    private String toJson(AuditEvent e) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("type", e.type());
        m.put("actor", e.actor());
        m.put("subject", e.subject());
        m.put("reason", e.reason());
        m.put("details", e.details());
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an audit event did not serialise: " + ex.getOriginalMessage(), ex);
        }
    }
}
