package io.reconnector.e2e;

import com.sun.net.httpserver.HttpServer;
import io.reconnector.edge.Event;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.relay.RawClient;
import io.reconnector.relay.Upstream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session life across the cluster: Start elsewhere, idle sessions moving, rolling restarts. */
class ClusterSessionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void startSessionOnOneNodeKillsTheSessionHomedOnAnother() throws Exception {
        try (Upstream upstream = new Upstream(); RelayCluster c = new RelayCluster(List.of())) {
            long id = 77;
            RawClient a = new RawClient(c.host(0), RelayCluster.CLIENT_PORT);
            a.send(new StartSession(id));
            assertEquals(new SessionStarted(id, Serial16.NONE), a.next(SessionStarted.class));
            a.send(new NewConnection(0, 1, Ipv4Address.parse("127.0.0.1"), upstream.port()));
            Connected connected = a.next(Connected.class);
            a.send(new Ack(connected.messageId(), 64));
            AtomicBoolean upstreamEnded = upstream.connection(0);

            try (RawClient b = new RawClient(c.host(1), RelayCluster.CLIENT_PORT)) {
                b.send(new StartSession(id));
                assertEquals(new SessionStarted(id, Serial16.NONE), b.next(SessionStarted.class));
                assertTrue(a.closedByRelay(10_000), "node n1 closed the old session's transport");
                await("the old session's upstream connection is closed").atMost(WAIT).untilTrue(upstreamEnded);
                c.relays[0].await(Event.SESSION_ENDED, e -> e.getLong("client_id") == id
                        && "KILLED".equals(e.getString("reason")), Duration.ofSeconds(5));
            }
            a.close();
        }
    }

    @Test
    void anIdleSessionMovesToTheNodeItReturnsThrough() throws Exception {
        HttpServer http = Curl.server();
        try (RelayCluster c = new RelayCluster(List.of())) {
            c.startAgent(List.of("--socks", "127.0.0.1:0"));
            String homeBefore = RelayCluster.name(c.home());
            for (int attempt = 0; attempt < 10 && c.count(Event.SESSION_MOVED_IN) == 0; attempt++) {
                int mark = c.agent.mark();
                c.proxy.resetAll();
                try {
                    c.agent.awaitFrom(mark, Event.RESUMED, e -> true, WAIT);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n" + c.outputs(), e);
                }
            }
            assertTrue(c.count(Event.SESSION_MOVED_IN, e -> homeBefore.equals(e.getString("from"))) > 0, c.outputs());
            assertTrue(c.count(Event.SESSION_HANDED_OVER) > 0, c.outputs());
            Curl.Result r = Curl.get(c.socksPort, "http://localhost:" + http.getAddress().getPort() + "/moved/4");
            assertEquals(0, r.exit(), r.stderr());
            assertEquals(new String(Curl.body("moved", 4), StandardCharsets.UTF_8), r.stdout());
            assertEquals(0, c.agent.count(Event.REJECTED));
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aRollingRestartUnderSteadyTrafficLosesNoConnection() throws Exception {
        HttpServer http = Curl.server();
        try (RelayCluster c = new RelayCluster(List.of("--drain-grace", "10s"))) {
            c.startAgent(List.of("--socks", "127.0.0.1:0"));
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicInteger ok = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread load = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    n++;
                    try {
                        Curl.Result r = Curl.get(c.socksPort, "http://localhost:" + http.getAddress().getPort() + "/r" + n + "/8");
                        if (r.exit() != 0 || !r.stdout().equals(new String(Curl.body("r" + n, 8), StandardCharsets.UTF_8))) {
                            failures.add("request " + n + ": exit " + r.exit() + " " + r.stderr());
                        } else {
                            ok.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add("request " + n + ": " + e);
                    }
                }
            });
            load.start();
            await("traffic flows").atMost(WAIT).until(() -> ok.get() > 5);
            for (int i = 0; i < RelayCluster.NODES; i++) {
                int before = ok.get();
                // A JVM ended by SIGTERM exits 143 after its shutdown hook, which here is the drain.
                assertEquals(143, c.relays[i].terminate(60_000), "node " + RelayCluster.name(i) + " exited on SIGTERM");
                assertEquals(1, c.relays[i].count(Event.RELAY_DRAINED), c.relays[i].output());
                c.relays[i] = c.startRelay(i);
                c.relays[i].await(Event.RELAY_LISTENING, RelayCluster.START);
                c.awaitWholeCluster();
                await("traffic flows after restarting " + RelayCluster.name(i)).atMost(Duration.ofSeconds(30))
                        .until(() -> ok.get() > before + 5);
            }
            stop.set(true);
            load.join(60_000);
            assertEquals(List.of(), failures, c.outputs());
            assertTrue(ok.get() > 20, ok.get() + " requests");
            assertEquals(0, c.agent.count(Event.REJECTED), "the session survived throughout\n" + c.outputs());
            assertEquals(1, c.agent.count(Event.NEW_SESSION));
        } finally {
            http.stop(0);
        }
    }
}
