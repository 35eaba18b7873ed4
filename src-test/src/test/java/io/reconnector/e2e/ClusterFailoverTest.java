package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import io.reconnector.cli.demo.StreamCheck;
import io.reconnector.edge.Event;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relay nodes dying under a live session: kill -9, real processes, HAProxy in front. */
class ClusterFailoverTest {
    private static final long BIG = 2L << 30; // longer than the test lasts: the transfer is cut by the crash
    private static final long SMALL = 4L << 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** A whole checked transfer through the forward on a fresh connection. */
    private static void transferWorks(int port, BulkServer server, long seed) throws Exception {
        BulkClient c = new BulkClient(port, seed, SMALL);
        c.join(60_000);
        assertNull(c.error);
        await("the server finished").atMost(WAIT).until(() -> server.results().stream()
                .anyMatch(r -> c.sentSha256 != null && c.sentSha256.equals(r.receivedSha256())));
        BulkServer.Result r = server.results().stream().filter(x -> c.sentSha256.equals(x.receivedSha256()))
                .findFirst().orElseThrow();
        assertEquals(r.sentSha256(), c.received.sha256);
    }

    /** Cuts the agent's link until its resumed transport is forwarded by a node; returns that node. */
    private static int cutUntilForwarded(RelayCluster c) {
        for (int attempt = 0; attempt < 12; attempt++) {
            int[] marks = new int[RelayCluster.NODES];
            for (int i = 0; i < RelayCluster.NODES; i++) {
                marks[i] = c.relays[i].mark();
            }
            int agentMark = c.agent.mark();
            c.proxy.resetAll();
            c.agent.awaitFrom(agentMark, Event.RESUMED, e -> true, WAIT);
            for (int i = 0; i < RelayCluster.NODES; i++) {
                int node = i;
                if (c.relays[i].events.subList(marks[i], c.relays[i].events.size()).stream()
                        .anyMatch(e -> Event.TRANSPORT_FORWARDED.key().equals(e.getString("event")))) {
                    return node;
                }
            }
        }
        throw new AssertionError("the balancer never sent the agent through a forwarding node\n" + c.outputs());
    }

    @Test
    void killingANodeThatOnlyForwardsLosesNothing() throws Exception {
        try (BulkServer server = new BulkServer(41, 64L << 20); RelayCluster c = new RelayCluster(List.of())) {
            c.startAgent(List.of("--forward", "0:127.0.0.1:" + server.port()));
            BulkClient app = new BulkClient(c.forwardPorts.get(0), 42, 64L << 20);
            await("data flows").atMost(WAIT).until(() -> app.received.bytes > (1 << 20));
            int home = c.home();
            int forwarder = cutUntilForwarded(c);
            assertTrue(forwarder != home, "the forwarder is not the home");
            c.relays[forwarder].kill9();
            app.join(120_000);
            await("the server finished").atMost(WAIT).until(() -> server.results().size() == 1);
            assertNull(app.error, c.outputs());
            assertEquals(server.results().get(0).sentSha256(), app.received.sha256);
            assertEquals(app.sentSha256, server.results().get(0).receivedSha256());
            assertEquals(1, server.accepts());
        }
    }

    @Test
    void killingTheHomeEndsItsConnectionsCleanlyAndTheSessionLivesOn() throws Exception {
        try (BulkServer server = new BulkServer(51, BIG); RelayCluster c = new RelayCluster(List.of())) {
            c.startAgent(List.of("--forward", "0:127.0.0.1:" + server.port()));
            Socket app = new Socket("127.0.0.1", c.forwardPorts.get(0));
            StreamCheck.Received got = new StreamCheck.Received();
            AtomicLong sent = new AtomicLong();
            AtomicReference<Throwable> writeError = new AtomicReference<>();
            AtomicReference<Throwable> readError = new AtomicReference<>();
            Thread writer = daemon(() -> {
                try {
                    OutputStream out = app.getOutputStream();
                    SplittableRandom rnd = new SplittableRandom(52);
                    byte[] buf = new byte[16 * 1024];
                    while (true) {
                        rnd.nextBytes(buf);
                        out.write(buf);
                        sent.addAndGet(buf.length);
                    }
                } catch (IOException e) {
                    writeError.set(e);
                }
            });
            Thread reader = daemon(() -> {
                try {
                    StreamCheck.read(app.getInputStream(), got);
                } catch (IOException e) {
                    readError.set(e);
                }
            });
            await("data flows both ways").atMost(WAIT).until(() -> got.bytes > (4 << 20) && sent.get() > (4 << 20));
            int home = c.home();
            int agentMark = c.agent.mark();
            c.relays[home].kill9();

            reader.join(30_000);
            writer.join(30_000);
            assertFalse(reader.isAlive() || writer.isAlive(), "the connection that lived on the dead home ended, not hung");
            assertTrue(readError.get() != null || writeError.get() != null,
                    "it ended with an error the application sees (a reset), not a clean end of stream");
            c.agent.awaitFrom(agentMark, Event.RESUMED, e -> true, WAIT);
            String dead = RelayCluster.name(home);
            await("a survivor took the session over from " + dead).atMost(WAIT).until(() ->
                    c.count(Event.SESSION_TAKEN_OVER, e -> dead.equals(e.getString("from"))) > 0);
            await("the upstream side of the dead connection is over").atMost(WAIT).until(() -> server.results().size() == 1);

            // The upstream got a clean prefix of what the application sent: nothing replayed, nothing twice.
            BulkServer.Result lost = server.results().get(0);
            assertTrue(lost.receivedBytes() <= sent.get());
            assertEquals(prefixSha(52, lost.receivedBytes()), lost.receivedSha256(), "no byte upstream twice or out of order");
            assertEquals(1, server.accepts(), "the recorded connection was not dialled again");

            long start = System.nanoTime();
            transferWorks(c.forwardPorts.get(0), server, 53);
            assertEquals(2, server.accepts());
            assertTrue((System.nanoTime() - start) / 1e9 < 30, "a new connection through the same session works at once");
            assertEquals(0, c.agent.count(Event.REJECTED), "the session was never rejected\n" + c.outputs());
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** SHA-256 of the first {@code n} bytes of the writer's stream (16 KiB blocks of SplittableRandom). */
    private static String prefixSha(long seed, long n) {
        java.security.MessageDigest d = StreamCheck.sha256();
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[16 * 1024];
        long left = n;
        while (left > 0) {
            rnd.nextBytes(buf);
            int take = (int) Math.min(buf.length, left);
            d.update(buf, 0, take);
            left -= take;
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
