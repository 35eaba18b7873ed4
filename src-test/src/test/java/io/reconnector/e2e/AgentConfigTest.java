package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent as a person runs it every day: settings in a file, and a restart that takes its old session's place. */
class AgentConfigTest {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void theDefaultConfigFileIsReadFlagsOverrideItAndARestartKeepsTheClientIdAndEndsTheOldSessionAtOnce(
            @TempDir Path home) throws Exception {
        String host = Loopback.subnet() + ".2";
        try (Upstream upstream = new Upstream();
             Proc relay = Proc.start("relay", List.of("relay", "--listen", host + ":7000", "--cluster-host", host,
                     "--allow", "127.0.0.0/8", "--cluster-name", "e2e-" + UUID.randomUUID()))) {
            relay.await(Event.RELAY_LISTENING, START);
            String taken = Loopback.closedPort(Loopback.subnet()); // the file's SOCKS port, overridden by the flag
            Path file = home.resolve("config/reconnector/agent.toml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n",
                    "# the agent's settings: keys are the long option names",
                    "relay = \"" + host + ":7000\"",
                    "socks = \"" + taken + "\"",
                    "forward = [\"127.0.0.1:0:127.0.0.1:" + upstream.port() + "\"]",
                    "connect-timeout = \"4s\"", ""));

            List<String> flags = List.of("agent", "--socks", "127.0.0.1:0");
            long clientId;
            Socket app;
            try (Proc agent = Proc.startIn(home, "agent", flags)) {
                assertEquals(file.toString(), agent.await(Event.CONFIG_READ, START).getString("file"));
                clientId = agent.await(Event.AGENT_READY, START).getLong("client_id");
                JsonObject socks = agent.await(Event.LISTENER_BOUND, j -> "socks".equals(j.getString("kind")), START);
                assertNotEquals(taken.substring(taken.indexOf(':') + 1), String.valueOf(socks.getInteger("port")),
                        "--socks on the command line wins over the file");
                int forward = agent.await(Event.LISTENER_BOUND, j -> "forward".equals(j.getString("kind")), START)
                        .getInteger("port");
                agent.await(Event.NEW_SESSION, START);
                app = new Socket("127.0.0.1", forward);
                app.getOutputStream().write("ping".getBytes());
                assertEquals(4, app.getInputStream().readNBytes(4).length, "echoed: open end to end");
                agent.kill9(); // no End Session: the relay keeps the session and its upstream connection
            }
            assertTrue(!upstream.connection(0).get(), "the upstream connection outlives the killed agent");

            try (Proc again = Proc.startIn(home, "agent", flags)) {
                assertEquals(clientId, again.await(Event.AGENT_READY, START).getLong("client_id"),
                        "the same client id, from the state directory");
                again.await(Event.NEW_SESSION, START);
                relay.await(Event.SESSION_ENDED, e -> e.getLong("client_id") == clientId
                        && "REPLACED".equals(e.getString("reason")), START);
                await("the old session's upstream connection is closed at once, not after --session-ttl")
                        .atMost(Duration.ofSeconds(10)).until(() -> upstream.connection(0).get());
            } finally {
                app.close();
            }
        }
    }

    @Test
    void aMistakeInTheFileIsABadFlagWithTheFix(@TempDir Path home) throws Exception {
        Path file = home.resolve("agent.toml");
        Files.writeString(file, "relay = \"127.0.0.1:9\"\nsock = \"127.0.0.1:1080\"\n");
        try (Proc agent = Proc.startText("agent", List.of("agent", "--config", file.toString()))) {
            assertEquals(2, agent.waitForExit(30_000), agent.output());
            assertTrue(agent.output().contains("--config " + file + " has the key 'sock'")
                    && agent.output().contains("did you mean socks"), agent.output());
        }
    }

    @Test
    void twoAgentsCannotShareOneStateDirectoryForOneRelay(@TempDir Path home) throws Exception {
        String relay = Loopback.closedPort(Loopback.subnet());
        List<String> args = List.of("agent", "--relay", relay, "--socks", "127.0.0.1:0");
        try (Proc first = Proc.startIn(home, "agent", args)) {
            first.await(Event.AGENT_READY, START);
            try (Proc second = Proc.startIn(home, "agent2", args)) {
                assertEquals(1, second.waitForExit(30_000), second.output());
                assertTrue(second.output().contains("another agent on this machine"), second.output());
            }
        }
    }
}
