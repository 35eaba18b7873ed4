package io.reconnector.e2e;

import java.time.Duration;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;

/** Waits that Awaitility does not say in one line. */
final class Wait {
    private Wait() {
    }

    /**
     * Waits until {@code progress} stops growing for {@code quiet}: a writer is blocked by flow
     * control all the way back to its socket.
     */
    static void untilStalled(String what, Duration quiet, Duration timeout, LongSupplier progress) {
        long[] last = {progress.getAsLong()};
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(10)).during(quiet).until(() -> {
            long now = progress.getAsLong();
            boolean still = now == last[0];
            last[0] = now;
            return still;
        });
    }
}
