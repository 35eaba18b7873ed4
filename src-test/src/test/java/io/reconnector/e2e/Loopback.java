package io.reconnector.e2e;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Addresses of a test's own in 127.0.0.0/8. Each fixture gets a /24 that nothing else on the
 * machine listens in, so its relays can listen on fixed ports there (like pods, each with its
 * own address) instead of on ports found free and bound later, which another process can take
 * in between.
 */
final class Loopback {
    private static final int SECOND_OCTET = ThreadLocalRandom.current().nextInt(16, 250);
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(1, 100));

    private Loopback() {
    }

    /** A fresh subnet, as its first three octets: {@code 127.X.Y}. */
    static String subnet() {
        return "127." + SECOND_OCTET + "." + (NEXT.getAndIncrement() % 250 + 1);
    }

    /** A port nothing listens on: a closed loopback port, for "unreachable" (no process binds ports below 1024 here). */
    static String closedPort(String subnet) {
        return subnet + ".9:9";
    }
}
