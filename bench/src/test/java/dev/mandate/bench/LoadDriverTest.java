package dev.mandate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class LoadDriverTest {
    @Test
    void aLaneThatWaitsDoesNotHoldUpTheOtherLane() throws InterruptedException {
        CountDownLatch evenDone = new CountDownLatch(5);
        LoadDriver.Result r = LoadDriver.openLoop(1, 2, 10, 10_000, (worker, index) -> {
            if (index % 2 == 0) {
                evenDone.countDown();
            } else if (!evenDone.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the even lane was held up behind call " + index);
            }
        });

        assertThat(r.failures()).isZero();
        assertThat(r.firstFailure()).isNull();
        assertThat(r.latencies()).hasSize(10).doesNotContain(0L);
    }

    @Test
    void everyCallIsMadeOnceAndAFailureIsCountedWithItsReason() throws InterruptedException {
        Set<Integer> made = ConcurrentHashMap.newKeySet();
        LoadDriver.Result r = LoadDriver.closedLoop(3, 100, (worker, index) -> {
            assertThat(worker).isBetween(0, 2);
            assertThat(made.add(index)).isTrue();
            if (index == 42) {
                throw new IllegalStateException("call 42 answered wrongly");
            }
        });

        assertThat(made).hasSize(100);
        assertThat(r.failures()).isEqualTo(1);
        assertThat(r.firstFailure()).contains("call 42 answered wrongly");
        assertThat(r.driverCpuNanos()).isPositive();
    }
}
