package io.reconnector.e2e;

import com.sun.net.httpserver.HttpServer;
import io.reconnector.edge.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * curl through the agent's SOCKS5 port, the relay as a real process; run in plaintext and over
 * TLS with a client certificate ({@link SocksTlsTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocksTest {
    private static final String DENIED = "127.0.0.2";
    private HttpServer http;
    private Tunnel tunnel;

    Security security() {
        return Security.PLAINTEXT;
    }

    @BeforeAll
    void start() throws Exception {
        http = Curl.server();
        tunnel = security().tunnel(List.of("--deny", DENIED + "/32"), List.of("--socks", "127.0.0.1:0"));
    }

    @AfterAll
    void stop() throws Exception {
        tunnel.close();
        http.stop(0);
    }

    private String url(String name, int kib) {
        return "http://localhost:" + http.getAddress().getPort() + "/" + name + "/" + kib;
    }

    @Test
    void manyRequestsAcrossCuts() throws Exception {
        int resumedBefore = (int) tunnel.agent.count(Event.RESUMED);
        int cuts = 0;
        for (int i = 0; i < 40; i++) {
            if (i % 8 == 7) {
                int transports = tunnel.proxy.connectionsAccepted();
                tunnel.proxy.resetAll();
                cuts++;
                // The next request may go out while the agent is still reconnecting: it just waits.
                if (i % 16 == 15) {
                    await("the agent reconnects").atMost(Duration.ofSeconds(10))
                            .until(() -> tunnel.proxy.connectionsAccepted() > transports);
                }
            }
            int kib = 1 + (i * 37) % 300;
            Curl.Result r = Curl.get(tunnel.socksPort, url("r" + i, kib));
            assertEquals(0, r.exit(), "request " + i + " failed: " + r.stderr());
            assertEquals(new String(Curl.body("r" + i, kib), StandardCharsets.UTF_8), r.stdout(), "request " + i);
        }
        int expected = resumedBefore + cuts;
        await("the agent resumed after each of the " + cuts + " cuts").atMost(Duration.ofSeconds(10))
                .until(() -> tunnel.agent.count(Event.RESUMED) >= expected);
    }

    @Test
    void aRefusedPortGivesCurlTheSocksRefusal() throws Exception {
        Curl.Result r = Curl.get(tunnel.socksPort, "http://" + Loopback.closedPort(Loopback.subnet()) + "/");
        assertEquals(97, r.exit(), "curl's proxy handshake error: " + r.stderr());
        assertTrue(r.stderr().contains("(5)"), "reply 5, connection refused: " + r.stderr());
    }

    @Test
    void aDeniedAddressGivesCurlTheRulesetRefusal() throws Exception {
        // 169.254.169.254 is the cloud metadata address: no --allow covers it, so it is never dialled.
        Curl.Result r = Curl.get(tunnel.socksPort, "http://169.254.169.254/latest/meta-data/");
        assertEquals(97, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("(2)"), "reply 2, not allowed by ruleset: " + r.stderr());
        Curl.Result denied = Curl.get(tunnel.socksPort, "http://" + DENIED + ":" + http.getAddress().getPort() + "/");
        assertEquals(97, denied.exit(), denied.stderr());
        assertTrue(denied.stderr().contains("(2)"), "--deny " + DENIED + "/32: " + denied.stderr());
        tunnel.relay.await(Event.CONNECTION_REFUSED, e -> "169.254.169.254:80".equals(e.getString("destination")),
                Duration.ofSeconds(5));
    }
}
