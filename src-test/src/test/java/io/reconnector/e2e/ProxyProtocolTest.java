package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behind a balancer that speaks the PROXY protocol (HAProxy's send-proxy-v2, as cloud balancers
 * do), a relay with --proxy-protocol sees each client's own address, not the balancer's; a
 * connection that skips the header is closed.
 */
class ProxyProtocolTest {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void theRelaySeesTheClientsAddressThroughTheBalancer() throws Exception {
        String subnet = Loopback.subnet();
        String relayHost = subnet + ".2";
        String balancer = subnet + ".1";
        String client = subnet + ".77"; // the agent binds here, so its address differs from the balancer's
        Path cfg = Files.createTempFile("haproxy", ".cfg");
        Files.writeString(cfg, Haproxy.preamble() + """
                frontend relays
                  bind %s:7000
                  default_backend nodes
                backend nodes
                  server r1 %s:7000 send-proxy-v2
                """.formatted(balancer, relayHost));
        try (Upstream echo = new Upstream();
             Proc relay = Proc.start("relay", List.of("relay", "--listen", relayHost + ":7000", "--cluster-host", relayHost,
                     "--allow", "127.0.0.0/8", "--proxy-protocol", "--cluster-name", "e2e-" + UUID.randomUUID()));
             Proc haproxy = Proc.command("haproxy", List.of("haproxy", "-db", "-f", cfg.toString()))) {
            relay.await(Event.RELAY_LISTENING, START);
            assertTrue(relay.events(Event.RELAY_LISTENING).get(0).getString("message").contains("PROXY protocol"));
            await("HAProxy listens").atMost(Duration.ofSeconds(10)).until(() -> canConnect(balancer));
            // The agent's transport leaves from its own address, through HAProxy.
            try (SourceBoundProxy hop = new SourceBoundProxy(client, balancer, 7000);
                 Proc agent = Proc.start("agent", List.of("agent", "--relay", "127.0.0.1:" + hop.port(),
                         "--forward", "0:127.0.0.1:" + echo.port()))) {
                agent.await(Event.NEW_SESSION, START);
                var started = relay.await(Event.SESSION_STARTED, START);
                assertEquals(client, started.getString("from"), "the client's address, from the PROXY header: "
                        + started.encode());
            }
            // Straight to the relay, without a header: closed, nothing served.
            try (Socket direct = new Socket(relayHost, 7000)) {
                direct.setSoTimeout(10_000);
                direct.getOutputStream().write(new byte[] {0x01, 0, 0, 0, 9});
                assertEquals(-1, readOrReset(direct), "a transport without a PROXY header is closed");
            }
        } finally {
            Files.deleteIfExists(cfg);
        }
    }

    private static boolean canConnect(String host) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, 7000), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int readOrReset(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
