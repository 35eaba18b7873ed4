package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An agent away from its relay says what is wrong in words, once, and not a line per attempt. */
class AgentOfflineTest {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void aRelayThatIsNotThereIsSaidOnceInWordsWhileTheAttemptsGoOn() throws Exception {
        String closed = Loopback.closedPort(Loopback.subnet());
        try (Proc agent = Proc.start("agent", List.of("agent", "--relay", closed, "--socks", "127.0.0.1:0",
                "--backoff-max", "100ms", "--admin-listen", "127.0.0.1:0"))) {
            int admin = agent.await(Event.ADMIN_LISTENING, START).getInteger("port");
            JsonObject first = agent.await(Event.RECONNECTING, START);
            assertTrue(first.getString("message").contains("connection refused (nothing listens there"), first.encode());
            await("many attempts").atMost(START).until(() -> attempts(admin) >= 20);
            assertEquals(1, agent.count(Event.RECONNECTING), "one line, not one per attempt:\n" + agent.output());
        }
    }

    @Test
    void offlineNewConnectionsFailWithinTheConnectTimeoutWithAClearAnswer() throws Exception {
        String closed = Loopback.closedPort(Loopback.subnet());
        String target = Loopback.closedPort(Loopback.subnet());
        try (Proc agent = Proc.start("agent", List.of("agent", "--relay", closed, "--socks", "127.0.0.1:0",
                "--http-proxy", "127.0.0.1:0", "--forward", "127.0.0.1:0:" + target, "--connect-timeout", "1s",
                "--backoff-max", "200ms"))) {
            agent.await(Event.AGENT_READY, START);
            int socks = agent.await(Event.LISTENER_BOUND, j -> "socks".equals(j.getString("kind")), START).getInteger("port");
            int forward = agent.await(Event.LISTENER_BOUND, j -> "forward".equals(j.getString("kind")), START).getInteger("port");

            long started = System.nanoTime();
            Curl.Result r = Curl.run("--socks5", "127.0.0.1:" + socks, "http://" + target + "/");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(97, r.exit(), "curl reports a SOCKS failure: " + r);
            assertTrue(r.stderr().contains("(4)"), "SOCKS reply 4, host unreachable: " + r.stderr());
            assertTrue(tookMillis >= 900 && tookMillis < 8000, "failed after the 1 s timeout, not curl's own: " + tookMillis);

            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), forward)) {
                s.setSoTimeout(15_000);
                java.io.IOException reset = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> s.getInputStream().read(), "a forward's application sees a reset, not a clean end");
                assertTrue(reset.getMessage().contains("reset"), reset.toString());
            }
            int http = agent.await(Event.LISTENER_BOUND, j -> "http".equals(j.getString("kind")), START).getInteger("port");
            Curl.Result timedOut = Curl.run("-p", "-x", "http://127.0.0.1:" + http, "http://db.internal:80/");
            assertTrue(timedOut.stderr().contains("504"), "504 Gateway Timeout: " + timedOut.stderr());
            agent.await(Event.CONNECT_TIMED_OUT, START);
        }
    }

    @Test
    void aCaptivePortalIsNotMistakenForARelay() throws Exception {
        try (ServerSocket portal = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!portal.isClosed()) {
                    try (Socket s = portal.accept()) {
                        s.getOutputStream().write("HTTP/1.1 302 Found\r\nLocation: http://login.portal/\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        s.getInputStream().read();
                    } catch (IOException e) {
                        // the next one
                    }
                }
            }, "portal");
            t.setDaemon(true);
            t.start();
            try (Proc agent = Proc.start("agent", List.of("agent", "--relay", "127.0.0.1:" + portal.getLocalPort(),
                    "--socks", "127.0.0.1:0"))) {
                JsonObject lost = agent.await(Event.RELAY_LOST, START);
                assertTrue(lost.getString("message").contains("not a reconnector relay")
                        && lost.getString("message").contains("captive portal"), lost.encode());
            }
        }
    }

    @Test
    void aListenerThatCannotBindNamesItselfAndItsPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Proc agent = Proc.startText("agent", List.of("agent", "--relay", "127.0.0.1:9",
                     "--socks", "127.0.0.1:" + taken.getLocalPort()))) {
            assertEquals(1, agent.waitForExit(30_000), agent.output());
            assertTrue(agent.output().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " for --socks: address already in use"), agent.output());
        }
    }

    private static double attempts(int adminPort) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return PrometheusText.parse(r.body()).getOrDefault("reconnector_agent_reconnects_total", 0.0);
    }
}
