package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nothing is dialled unless an --allow says so, and never the relay's own ports. */
class DenyByDefaultTest {
    private static final Duration START = Duration.ofSeconds(60);

    private static Proc relay(String host, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("relay", "--listen", host + ":7000", "--cluster-host", host,
                "--cluster-name", "e2e-" + UUID.randomUUID()));
        args.addAll(extra);
        Proc p = Proc.start("relay", args);
        p.await(Event.RELAY_LISTENING, START);
        return p;
    }

    private static String policy(int exit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("policy"));
        cmd.addAll(List.of(args));
        try (Proc p = Proc.startText("policy", cmd)) {
            assertEquals(exit, p.waitForExit(30_000), p.output());
            return p.output();
        }
    }

    @Test
    void thePolicyCommandSaysWhatARelayWouldDoAndWhy() throws Exception {
        assertTrue(policy(1, "10.0.0.7:5432").contains("deny 10.0.0.7:5432 (no --allow given"));
        String[] rules = {"--allow", "10.0.0.0/8", "--deny", "10.0.0.7:22"};
        assertTrue(policy(0, concat(rules, "10.0.0.7:5432")).contains("allow 10.0.0.7:5432 (--allow 10.0.0.0/8)"));
        assertTrue(policy(1, concat(rules, "10.0.0.7:22")).contains("deny 10.0.0.7:22 (--deny 10.0.0.7/32:22)"));
        assertTrue(policy(1, concat(rules, "192.168.1.1:80")).contains("deny 192.168.1.1:80 (no --allow matches it)"));
        assertTrue(policy(0, "--allow", "any", "8.8.8.8:53").contains("allow 8.8.8.8:53 (--allow any)"));
        // A name is checked against the name rules only, never looked up: the dry run sends nothing anywhere.
        String name = policy(0, "--allow", "any", "db.invalid:5432");
        assertTrue(name.contains("allow db.invalid:5432 (the name rules allow it; a relay then checks each address"), name);
        assertTrue(policy(1, "--allow", "any", "--allow-name", "*.svc.cluster.local", "db.invalid:5432")
                .contains("deny db.invalid:5432 (no --allow-name matches it)"));
        assertTrue(policy(1, "--allow", "fd00::/8", "--deny", "[fd00::7]:22", "[fd00::7]:22")
                .contains("deny [fd00::7]:22 (--deny [fd00::7/128]:22)"));
        assertTrue(policy(0, "--allow", "fd00::/8", "[fd00::7]:5432").contains("allow [fd00::7]:5432 (--allow fd00::/8)"));
        String notOne = policy(2, "--allow", "any", "db invalid:5432");
        assertTrue(notOne.contains("'db invalid:5432' is not a destination"), notOne);
        String badRule = policy(2, "--allow", "10.0.0.0/33", "10.0.0.1:80");
        assertTrue(badRule.contains("CIDR[:PORT[-PORT]]"), badRule);
    }

    private static String[] concat(String[] a, String last) {
        String[] all = java.util.Arrays.copyOf(a, a.length + 1);
        all[a.length] = last;
        return all;
    }

    @Test
    void aRelayWithNoAllowSaysSoOnceAndRefusesALoopbackListenerWithoutDialling() throws Exception {
        String host = Loopback.subnet() + ".2";
        try (Upstream upstream = new Upstream(); Proc relay = relay(host, List.of());
             Proc agent = Proc.start("agent", List.of("agent", "--relay", host + ":7000",
                     "--forward", "0:127.0.0.1:" + upstream.port()))) {
            JsonObject said = relay.await(Event.DESTINATION_POLICY, START);
            assertEquals("WARN", said.getString("level"), said.encode());
            assertTrue(said.getString("message").contains("every destination is refused"), said.encode());
            int port = agent.await(Event.LISTENER_BOUND, START).getInteger("port");
            agent.await(Event.NEW_SESSION, START);
            try (Socket app = new Socket("127.0.0.1", port)) {
                app.setSoTimeout(10_000);
                assertEquals(-1, readOrReset(app), "the application's connection is closed");
            }
            JsonObject refused = relay.await(Event.CONNECTION_REFUSED, START);
            assertEquals(13, refused.getInteger("errno"), refused.encode());
            assertEquals(0, upstream.accepted.get(), "the relay never dialled the listener");
            assertEquals(1, relay.count(Event.DESTINATION_POLICY));
        }
    }

    @Test
    void theRelaysOwnPortsAreRefusedEvenWhenItsAddressIsAllowed() throws Exception {
        String host = Loopback.subnet() + ".2";
        try (ServerSocket allowed = new ServerSocket();
             Proc relay = relay(host, List.of("--allow", host + "/32", "--peer-listen", host + ":7001",
                     "--cluster-port", "5701", "--event-bus-port", "7002"));
             Proc agent = Proc.start("agent", List.of("agent", "--relay", host + ":7000", "--socks", "127.0.0.1:0"))) {
            allowed.bind(new InetSocketAddress(host, 0));
            int socks = agent.await(Event.LISTENER_BOUND, START).getInteger("port");
            agent.await(Event.NEW_SESSION, START);
            // Another listener on the allowed address is reached: the rule itself works.
            try (Socket s = viaSocks(socks)) {
                s.connect(new InetSocketAddress(host, allowed.getLocalPort()), 10_000);
            }
            for (int own : List.of(7000, 7001, 5701, 7002)) {
                IOException e = assertThrows(IOException.class,
                        () -> viaSocks(socks).connect(new InetSocketAddress(host, own), 10_000), "port " + own);
                assertTrue(e.getMessage().contains("not allowed by ruleset"), own + ": " + e.getMessage());
                relay.await(Event.CONNECTION_REFUSED, j -> (host + ":" + own).equals(j.getString("destination")), START);
            }
        }
    }

    private static Socket viaSocks(int socksPort) {
        return new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socksPort)));
    }

    private static int readOrReset(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException e) {
            return -1; // reset
        }
    }
}
