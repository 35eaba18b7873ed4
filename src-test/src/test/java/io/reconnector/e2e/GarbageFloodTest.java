package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No client can fill a relay's disk: a flood of bad transports is a few lines and a count. */
class GarbageFloodTest {
    private static final int TRANSPORTS = 1500;
    /** Per kind of line: at most this many in full per window, then one summary. */
    private static final int PER_KIND = 10;

    @Test
    void fifteenHundredGarbageTransportsLeaveABoundedLogThatStillCountsThemAll() throws Exception {
        String host = Loopback.subnet() + ".2";
        try (Proc relay = Proc.start("relay", List.of("relay", "--listen", host + ":7000", "--cluster-host", host,
                "--allow", "127.0.0.0/8", "--cluster-name", "e2e-" + UUID.randomUUID()))) {
            relay.await(Event.RELAY_LISTENING, Duration.ofSeconds(60));
            int before = relay.lines.size();
            Random random = new Random(42);
            for (int i = 0; i < TRANSPORTS; i++) {
                byte[] garbage = new byte[64];
                random.nextBytes(garbage);
                garbage[0] = (byte) 0xEE; // no frame type: the first byte is already wrong
                try (Socket s = new Socket(host, 7000)) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(garbage);
                    s.shutdownOutput();
                    assertEquals(-1, readOrReset(s), "transport " + i + " is closed by the relay");
                }
            }
            List<String> during = List.copyOf(relay.lines.subList(before, relay.lines.size()));
            assertTrue(during.size() <= 3 * PER_KIND + 3, during.size() + " lines:\n" + String.join("\n", during));
            // The sweep writes the count when the window is over: every bad transport is accounted for.
            long[] total = new long[1];
            org.awaitility.Awaitility.await("the summary of protocol errors").atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        total[0] = 0;
                        for (JsonObject e : relay.events(Event.PROTOCOL_ERROR)) {
                            total[0] += e.containsKey("suppressed") ? e.getLong("suppressed") : 1;
                        }
                        return total[0] >= TRANSPORTS;
                    });
            assertEquals(TRANSPORTS, total[0]);
            assertTrue(relay.lines.stream().anyMatch(l -> l.contains("more like it")), relay.output());
            assertTrue(relay.alive());
        }
    }

    private static int readOrReset(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException e) {
            return -1; // reset
        }
    }
}
