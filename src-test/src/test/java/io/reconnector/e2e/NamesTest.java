package io.reconnector.e2e;

import com.sun.net.httpserver.HttpServer;
import io.reconnector.edge.Event;
import io.reconnector.protocol.frame.ConnectFailed;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Destinations by name and by IPv6 address, resolved and dialled by the relay (the names
 * extension), with real curl. Every name resolves from files only: the relay's --hosts-file, and
 * for both JVMs a jdk.net.hosts.file, so nothing is ever asked of DNS. The agent's own file maps
 * the names somewhere else on purpose: a request that works proves the agent did not resolve it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamesTest {
    private static final Duration START = Duration.ofSeconds(60);
    private HttpServer http;
    private HttpServer http6;
    private Proc relay;
    private Proc agent;
    private int socks;
    private int forward;
    private int httpProxy;

    @BeforeAll
    void start(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        http = Curl.server();
        try {
            http6 = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 50);
            http6.createContext("/", ex -> {
                byte[] body = "over IPv6\n".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
            http6.start();
        } catch (IOException e) {
            http6 = null; // a machine (a container) without IPv6 on loopback: the IPv6 test says so and skips
        }
        String host = Loopback.subnet() + ".2";
        Path relayHosts = Files.writeString(dir.resolve("relay-hosts"), String.join("\n",
                "# what the relay's network calls things",
                "127.0.0.1 db.internal api.internal",
                "127.0.0.1 outside.example",
                "::1 v6.internal", ""));
        Path noDns = Files.writeString(dir.resolve("no-dns"), "# nothing: every other name is unknown\n");
        Path agentHosts = Files.writeString(dir.resolve("agent-hosts"), Loopback.closedPort(Loopback.subnet())
                .replaceAll(":.*", "") + " db.internal api.internal\n");
        relay = Proc.start("relay", List.of("-Djdk.net.hosts.file=" + noDns), List.of("relay", "--listen", host + ":7000",
                "--cluster-host", host, "--cluster-name", "e2e-" + UUID.randomUUID(), "--allow", "127.0.0.0/8",
                "--allow", "::1/128", "--hosts-file", relayHosts.toString(), "--allow-name", "*.internal"));
        relay.await(Event.RELAY_LISTENING, START);
        agent = Proc.start("agent", List.of("-Djdk.net.hosts.file=" + agentHosts), List.of("agent", "--relay",
                host + ":7000", "--socks", "127.0.0.1:0", "--http-proxy", "127.0.0.1:0", "--forward", "127.0.0.1:0:db.internal:"
                        + http.getAddress().getPort()));
        socks = agent.await(Event.LISTENER_BOUND, j -> "socks".equals(j.getString("kind")), START).getInteger("port");
        forward = agent.await(Event.LISTENER_BOUND, j -> "forward".equals(j.getString("kind")), START).getInteger("port");
        httpProxy = agent.await(Event.LISTENER_BOUND, j -> "http".equals(j.getString("kind")), START).getInteger("port");
        assertTrue(agent.await(Event.RELAY_EXTENSIONS, START).getBoolean("names"), "the relay offers names");
    }

    @AfterAll
    void stop() throws Exception {
        agent.close();
        relay.close();
        http.stop(0);
        if (http6 != null) {
            http6.stop(0);
        }
    }

    private String body(String name) {
        return new String(Curl.body(name, 1), StandardCharsets.UTF_8);
    }

    @Test
    void socks5HostnameReachesANameOnlyTheRelayCanResolve() throws IOException, InterruptedException {
        Curl.Result r = Curl.run("--socks5-hostname", "127.0.0.1:" + socks,
                "http://db.internal:" + http.getAddress().getPort() + "/s5/1");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(body("s5"), r.stdout());
    }

    @Test
    void socks4aReachesItToo() throws IOException, InterruptedException {
        Curl.Result r = Curl.run("--socks4a", "127.0.0.1:" + socks, "http://api.internal:" + http.getAddress().getPort() + "/s4a/1");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(body("s4a"), r.stdout());
    }

    @Test
    void aForwardToANameGoesThroughTheRelaysResolver() throws IOException, InterruptedException {
        Curl.Result r = Curl.run("http://127.0.0.1:" + forward + "/fw/1");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(body("fw"), r.stdout());
    }

    @Test
    void curlThroughTheHttpProxyWithConnect() throws IOException, InterruptedException {
        Curl.Result r = Curl.run("-p", "-x", "http://127.0.0.1:" + httpProxy,
                "http://db.internal:" + http.getAddress().getPort() + "/hp/1");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(body("hp"), r.stdout());
        Curl.Result refused = Curl.run("-p", "-x", "http://127.0.0.1:" + httpProxy,
                "http://" + Loopback.closedPort(Loopback.subnet()) + "/");
        assertEquals(56, refused.exit(), refused.stderr());
        assertTrue(refused.stderr().contains("502"), "502 Bad Gateway: " + refused.stderr());
        Curl.Result forbidden = Curl.run("-p", "-x", "http://127.0.0.1:" + httpProxy, "http://outside.example:80/");
        assertTrue(forbidden.stderr().contains("403"), "403 Forbidden by the relay's rules: " + forbidden.stderr());
    }

    @Test
    void anIpv6DestinationAndANameForOne() throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(http6 != null, "no IPv6 on loopback here (::1 cannot be bound)");
        int port = http6.getAddress().getPort();
        Curl.Result literal = Curl.run("--socks5", "127.0.0.1:" + socks, "http://[::1]:" + port + "/");
        assertEquals(0, literal.exit(), literal.stderr());
        assertEquals("over IPv6\n", literal.stdout());
        Curl.Result named = Curl.run("--socks5-hostname", "127.0.0.1:" + socks, "http://v6.internal:" + port + "/");
        assertEquals(0, named.exit(), named.stderr());
        assertEquals("over IPv6\n", named.stdout());
    }

    @Test
    void aNameNobodyKnowsIsNoSuchHost() throws IOException, InterruptedException {
        Curl.Result r = Curl.run("--socks5-hostname", "127.0.0.1:" + socks, "http://nowhere.internal:80/");
        assertEquals(97, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("(4)"), "SOCKS reply 4: " + r.stderr());
        JsonObject refused = relay.await(Event.CONNECTION_REFUSED, j -> j.getString("destination", "").startsWith("nowhere.internal"), START);
        assertEquals(ConnectFailed.NO_SUCH_HOST, refused.getInteger("errno"));
    }

    @Test
    void aNameOutsideTheNameRulesIsRefusedThoughItResolves() throws IOException, InterruptedException {
        Curl.Result r = Curl.run("--socks5-hostname", "127.0.0.1:" + socks, "http://outside.example:" + http.getAddress().getPort() + "/");
        assertEquals(97, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("(2)"), "SOCKS reply 2, not allowed: " + r.stderr());
        JsonObject refused = relay.await(Event.CONNECTION_REFUSED, j -> j.getString("destination", "").startsWith("outside.example"), START);
        assertEquals("no --allow-name matches it", refused.getString("rule"));
    }
}
