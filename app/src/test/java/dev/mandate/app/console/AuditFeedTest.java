package dev.mandate.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditEvent;
import dev.mandate.core.audit.AuditLog;
import dev.mandate.core.keys.SigningKeys;
import dev.mandate.store.Database;
import dev.mandate.store.JdbcAuditStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fan-out of audit appends to the console's streams, over a real audit log on embedded H2. */
final class AuditFeedTest {
    /** Checkpoints are never due in these tests (one per million events), so nothing is signed. */
    private static final SigningKeys NO_SIGNING = new SigningKeys() {
        @Override
        public String sign(JWTClaimsSet claims, JOSEObjectType type) {
            throw new AssertionError("no checkpoint is due");
        }

        @Override
        public JWTClaimsSet verify(String jwt) {
            throw new AssertionError("nothing is verified");
        }

        @Override
        public JWKSet publicJwks() {
            return new JWKSet();
        }
    };

    @TempDir
    Path tmp;

    private Database db;
    private AuditLog log;

    @BeforeEach
    void open() {
        db = Database.openEmbedded(tmp);
        log = new AuditLog(new JdbcAuditStore(db), NO_SIGNING, Clock.systemUTC(), 1_000_000);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static AuditEntry entry(int i) {
        return new AuditEntry("test.event", "admin", "subject-" + i, null, Map.of());
    }

    private static AuditEvent next(AuditFeed.Subscriber s) throws InterruptedException {
        AuditEvent e = s.next(5_000);
        if (e == null) {
            throw new AssertionError("no event within 5 s");
        }
        return e;
    }

    @Test
    void aSubscriberGetsEveryEventAppendedAfterItSubscribedInOrder() throws Exception {
        AuditFeed feed = AuditFeed.attach(log, 4);
        log.record(entry(0));
        try (AuditFeed.Subscriber s = feed.subscribe()) {
            log.recordAll(List.of(entry(1), entry(2)));
            log.record(entry(3));
            List<String> subjects = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                subjects.add(next(s).subject());
            }
            assertThat(subjects).containsExactly("subject-1", "subject-2", "subject-3");
            assertThat(s.next(10)).isNull();
        }
        assertThat(feed.size()).isZero();
    }

    @Test
    void aSlowSubscriberOverflowsInsteadOfHoldingUpTheWriter() throws Exception {
        AuditFeed feed = AuditFeed.attach(log, 4);
        try (AuditFeed.Subscriber s = feed.subscribe()) {
            log.recordAll(IntStream.range(0, AuditFeed.QUEUE_CAPACITY + 5)
                    .mapToObj(AuditFeedTest::entry)
                    .toList());
            assertThat(log.page(0, AuditLog.MAX_PAGE)).hasSize(AuditLog.MAX_PAGE);
            assertThat(s.takeOverflow()).isTrue();
            assertThat(s.takeOverflow()).isFalse();
            assertThat(s.next(10)).isNull();
            log.record(entry(9999));
            assertThat(next(s).subject()).isEqualTo("subject-9999");
        }
    }

    @Test
    void aFailingListenerDoesNotFailTheWrite() {
        log.onAppended(events -> {
            throw new IllegalStateException("a broken listener");
        });
        log.record(entry(1));
        assertThat(log.page(0, 10)).extracting(AuditEvent::subject).containsExactly("subject-1");
    }

    @Test
    void subscriptionsAreLimitedAndClosingTheFeedEndsThemAll() {
        AuditFeed feed = AuditFeed.attach(log, 2);
        AuditFeed.Subscriber a = feed.subscribe();
        AuditFeed.Subscriber b = feed.subscribe();
        assertThatThrownBy(feed::subscribe)
                .isInstanceOfSatisfying(
                        MandateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("2 live event streams");
        a.close();
        AuditFeed.Subscriber c = feed.subscribe();
        feed.close();
        assertThat(b.ended()).isTrue();
        assertThat(c.ended()).isTrue();
        assertThatThrownBy(feed::subscribe).hasMessageContaining("stopping");
    }
}
