package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The agent's listeners take at most --max-local-connections at once; the next waits for one to close. */
class AgentLimitsTest {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void connectionsOverTheAgentsCapAreClosedAtOnceAndServedAgainWhenOneEnds() throws Exception {
        String host = Loopback.subnet() + ".2";
        try (Upstream upstream = new Upstream();
             Proc relay = Proc.start("relay", List.of("relay", "--listen", host + ":7000", "--cluster-host", host,
                     "--allow", "127.0.0.0/8", "--cluster-name", "e2e-" + UUID.randomUUID()))) {
            relay.await(Event.RELAY_LISTENING, START);
            try (Proc agent = Proc.start("agent", List.of("agent", "--relay", host + ":7000",
                    "--forward", "0:127.0.0.1:" + upstream.port(), "--max-local-connections", "3"))) {
                int port = agent.await(Event.LISTENER_BOUND, START).getInteger("port");
                agent.await(Event.NEW_SESSION, START);
                List<Socket> held = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    held.add(echoed(port, i));
                }
                try (Socket fourth = new Socket("127.0.0.1", port)) {
                    fourth.setSoTimeout(10_000);
                    assertEquals(-1, readOrReset(fourth), "the fourth is closed by the agent");
                }
                agent.await(Event.LIMIT_REFUSED, e -> "LOCAL_CONNECTIONS".equals(e.getString("limit")), START);
                assertEquals(3, upstream.accepted.get(), "the refused one never reached the relay");
                held.remove(0).close();
                // One slot is free again once the agent has heard of the close; until then a
                // new connection may still be refused, so try until one gets through.
                Socket again = org.awaitility.Awaitility.await("a connection is served again").atMost(START)
                        .until(() -> {
                            try {
                                return echoed(port, 9);
                            } catch (IOException e) {
                                return null;
                            }
                        }, java.util.Objects::nonNull);
                again.close();
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** A connection through the agent that echoed a byte: it holds a slot. */
    private static Socket echoed(int port, int b) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(b);
        if (s.getInputStream().read() != b) {
            s.close();
            throw new IOException("no echo");
        }
        return s;
    }

    private static int readOrReset(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException e) {
            return -1;
        }
    }
}
