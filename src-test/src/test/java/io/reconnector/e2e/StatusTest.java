package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reconnector status}, human and JSON, against a real agent, connected and not. */
class StatusTest {
    private static final Duration START = Duration.ofSeconds(60);

    private static Proc status(int exit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("status"));
        cmd.addAll(List.of(args));
        Proc p = Proc.startText("status", cmd);
        assertEquals(exit, p.waitForExit(30_000), p.output());
        return p;
    }

    @Test
    void statusSaysConnectedListsConnectionsAndTellsWhenTheRelayIsGone() throws Exception {
        String host = Loopback.subnet() + ".2";
        try (Upstream upstream = new Upstream()) {
            Proc relay = Proc.start("relay", List.of("relay", "--listen", host + ":7000", "--cluster-host", host,
                    "--allow", "127.0.0.0/8", "--cluster-name", "e2e-" + UUID.randomUUID()));
            relay.await(Event.RELAY_LISTENING, START);
            try (Proc agent = Proc.start("agent", List.of("agent", "--relay", host + ":7000", "--status-listen",
                    "127.0.0.1:0", "--forward", "127.0.0.1:0:127.0.0.1:" + upstream.port()));
                 relay) {
                int statusPort = agent.await(Event.STATUS_LISTENING, START).getInteger("port");
                int forward = agent.await(Event.LISTENER_BOUND, START).getInteger("port");
                agent.await(Event.NEW_SESSION, START);
                String at = "127.0.0.1:" + statusPort;
                try (Socket app = new Socket("127.0.0.1", forward)) {
                    app.getOutputStream().write("ping".getBytes());
                    app.getInputStream().readNBytes(4); // echoed

                    String text = status(0, "--agent", at).output();
                    assertTrue(text.contains("connected to relay " + host + ":7000 (plaintext)"), text);
                    assertTrue(text.contains("connections: 1") && text.contains("127.0.0.1:" + upstream.port())
                            && text.contains("forward " + forward), text);

                    JsonObject json = new JsonObject(status(0, "--agent", at, "--json").output());
                    assertEquals("connected", json.getString("state"));
                    JsonObject c = json.getJsonArray("connections").getJsonObject(0);
                    assertEquals(4, c.getLong("bytes_up"));
                    assertEquals(4, c.getLong("bytes_down"));
                    assertEquals("offered", json.getString("relay_resolves_names"));
                    assertTrue(json.getDouble("rtt_ms", -1.0) >= 0, "a round trip was measured: " + json);

                    relay.kill9();
                    agent.await(Event.RELAY_LOST, START);
                    String down = status(1, "--agent", at).output();
                    assertTrue(down.startsWith("reconnecting to relay " + host + ":7000"), down);
                    assertTrue(down.contains("(") && down.contains("connection refused"), "and why: " + down);
                }
            }
        }
    }

    @Test
    void noAgentAndANonLoopbackStatusAddressAreSaidPlainly() throws Exception {
        String nobody = Loopback.closedPort(Loopback.subnet());
        assertTrue(status(2, "--agent", nobody).output().contains("no agent answers on " + nobody));
        try (Proc agent = Proc.startText("agent", List.of("agent", "--relay", "127.0.0.1:9", "--socks", "127.0.0.1:0",
                "--status-listen", "0.0.0.0:7091"))) {
            assertEquals(2, agent.waitForExit(30_000), agent.output());
            assertTrue(agent.output().contains("loopback only"), agent.output());
        }
    }
}
