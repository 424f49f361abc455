package dev.mandate.app.console;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Fans the audit log's appended events out to live subscribers (the console's event streams). Each subscriber has a
 * bounded queue; the log's writer only offers into it and never waits, so a slow browser cannot slow down decisions.
 * A subscriber whose queue overflowed is told so and re-reads what it missed from the log itself.
 */
final class AuditFeed {
    /** The most events waiting for one subscriber before it is marked as having overflowed. */
    static final int QUEUE_CAPACITY = 1024;

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final int maxSubscribers;
    private volatile boolean closed;

    private AuditFeed(int maxSubscribers) {
        this.maxSubscribers = maxSubscribers;
    }

    /**
     * Creates a feed over a log: from now on every durable event is offered to every subscriber.
     *
     * @param log the audit log
     * @param maxSubscribers the most concurrent subscribers
     * @return the feed
     */
    static AuditFeed attach(AuditLog log, int maxSubscribers) {
        AuditFeed feed = new AuditFeed(maxSubscribers);
        log.onAppended(feed::publish);
        return feed;
    }

    private void publish(List<AuditEvent> events) {
        for (Subscriber s : subscribers) {
            s.offer(events);
        }
    }

    /**
     * Adds a subscriber that receives every event appended from now on.
     *
     * @return the subscriber; {@link Subscriber#close() close} it when done
     * @throws MandateException with {@code UNAVAILABLE} when {@code maxSubscribers} are already subscribed or the feed
     *     is closed
     */
    Subscriber subscribe() {
        if (closed) {
            throw new MandateException(ErrorCode.UNAVAILABLE, "the server is stopping");
        }
        Subscriber s = new Subscriber();
        synchronized (subscribers) {
            if (subscribers.size() >= maxSubscribers) {
                throw new MandateException(
                        ErrorCode.UNAVAILABLE,
                        "already " + maxSubscribers + " live event streams open (the limit of GET /v1/events); "
                                + "close a console tab and retry");
            }
            subscribers.add(s);
        }
        return s;
    }

    /** Ends every subscription: their streams finish within one poll so the HTTP server can stop. */
    void close() {
        closed = true;
        subscribers.forEach(Subscriber::close);
    }

    /** Returns how many subscribers are live, for tests. */
    int size() {
        return subscribers.size();
    }

    /** One live subscription. */
    final class Subscriber implements AutoCloseable {
        private final BlockingQueue<AuditEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private volatile boolean overflowed;
        private volatile boolean ended;

        private Subscriber() {}

        private void offer(List<AuditEvent> events) {
            for (AuditEvent e : events) {
                if (!queue.offer(e)) {
                    overflowed = true;
                    return;
                }
            }
        }

        /**
         * Waits for the next event.
         *
         * @param millis how long to wait at most
         * @return the event, or null if none came in time or the subscription ended
         * @throws InterruptedException if the waiting thread is interrupted
         */
        @Nullable
        AuditEvent next(long millis) throws InterruptedException {
            return ended ? null : queue.poll(millis, TimeUnit.MILLISECONDS);
        }

        /**
         * Tells whether events were dropped since the last call, and if so empties the queue: the caller re-reads
         * the gap from the log.
         *
         * @return whether the queue overflowed
         */
        boolean takeOverflow() {
            if (!overflowed) {
                return false;
            }
            overflowed = false;
            queue.clear();
            return true;
        }

        /**
         * Tells whether this subscription has ended (closed by its stream or by the feed).
         *
         * @return whether it ended
         */
        boolean ended() {
            return ended || closed;
        }

        @Override
        public void close() {
            ended = true;
            subscribers.remove(this);
        }
    }
}
