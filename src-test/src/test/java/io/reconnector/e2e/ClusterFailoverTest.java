package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import io.reconnector.cli.demo.StreamCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relay nodes dying under a live session: kill -9, real processes, HAProxy in front. */
class ClusterFailoverTest {
    private static final long BIG = 2L << 30; // longer than the test lasts: the transfer is cut by the crash
    private static final long SMALL = 4L << 20;

    /** A whole checked transfer through the forward on a fresh connection. */
    private static void transferWorks(int port, BulkServer server, long seed) throws Exception {
        BulkClient c = new BulkClient(port, seed, SMALL);
        c.join(60_000);
        assertNull(c.error);
        Wait.until("the server finished", 30_000, () -> server.results().stream()
                .anyMatch(r -> c.sentSha256 != null && c.sentSha256.equals(r.receivedSha256())));
        BulkServer.Result r = server.results().stream().filter(x -> c.sentSha256.equals(x.receivedSha256()))
                .findFirst().orElseThrow();
        assertEquals(r.sentSha256(), c.received.sha256);
    }

    /** Cuts the agent's link until its transport is forwarded by a node other than the home; returns that node. */
    private static int cutUntilForwarded(RelayCluster c) throws Exception {
        for (int attempt = 0; attempt < 12; attempt++) {
            long before = c.count("forwarding the transport");
            int transports = c.proxy.connectionsAccepted();
            c.proxy.resetAll();
            Wait.until("the agent reconnects", 20_000, () -> c.proxy.connectionsAccepted() > transports);
            long resumed = c.agent.count("resumed: ");
            Wait.until("the agent resumes", 20_000, () -> c.agent.count("resumed: ") > resumed - 1
                    && c.agent.lines.get(c.agent.lines.size() - 1).contains("resumed"));
            if (c.count("forwarding the transport") > before) {
                for (int i = 0; i < RelayCluster.NODES; i++) {
                    List<String> lines = c.relays[i].lines;
                    if (!lines.isEmpty() && lines.stream().skip(Math.max(0, lines.size() - 3))
                            .anyMatch(l -> l.contains("forwarding the transport"))) {
                        return i;
                    }
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
            Wait.until("data flows", 20_000, () -> app.received.bytes > (1 << 20));
            int home = c.home();
            int forwarder = cutUntilForwarded(c);
            assertTrue(forwarder != home, "the forwarder is not the home");
            c.relays[forwarder].kill9();
            app.join(120_000);
            Wait.until("the server finished", 30_000, () -> server.results().size() == 1);
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
            java.net.Socket app = new java.net.Socket("127.0.0.1", c.forwardPorts.get(0));
            StreamCheck.Received got = new StreamCheck.Received();
            long[] sent = new long[1];
            Throwable[] writeError = new Throwable[1];
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = app.getOutputStream();
                    java.util.SplittableRandom rnd = new java.util.SplittableRandom(52);
                    byte[] buf = new byte[16 * 1024];
                    while (true) {
                        fill(rnd, buf);
                        out.write(buf);
                        sent[0] += buf.length;
                    }
                } catch (IOException e) {
                    writeError[0] = e;
                }
            });
            writer.setDaemon(true);
            writer.start();
            Throwable[] readError = new Throwable[1];
            Thread reader = new Thread(() -> {
                try {
                    StreamCheck.read(app.getInputStream(), got);
                } catch (IOException e) {
                    readError[0] = e;
                }
            });
            reader.setDaemon(true);
            reader.start();
            Wait.until("data flows both ways", 20_000, () -> got.bytes > (4 << 20) && sent[0] > (4 << 20));
            int home = c.home();
            c.relays[home].kill9();

            reader.join(30_000);
            writer.join(30_000);
            assertTrue(!reader.isAlive() && !writer.isAlive(), "the connection that lived on the dead home ended, not hung");
            assertTrue(readError[0] != null || writeError[0] != null,
                    "it ended with an error the application sees (a reset), not a clean end of stream");
            c.agent.await("resumed: ", 30_000);
            Wait.until("a survivor took the session over", 20_000, () -> c.count("took over from " + RelayCluster.name(home)) > 0);
            Wait.until("the upstream side of the dead connection is over", 30_000, () -> server.results().size() == 1);

            // The upstream got a clean prefix of what the application sent: nothing replayed, nothing twice.
            BulkServer.Result dead = server.results().get(0);
            assertTrue(dead.receivedBytes() <= sent[0]);
            assertEquals(prefixSha(52, dead.receivedBytes()), dead.receivedSha256(), "no byte upstream twice or out of order");
            assertEquals(1, server.accepts(), "the recorded connection was not dialled again");

            long start = System.nanoTime();
            transferWorks(c.forwardPorts.get(0), server, 53);
            assertEquals(2, server.accepts());
            assertTrue((System.nanoTime() - start) / 1e9 < 30, "a new connection through the same session works at once");
            assertEquals(0, c.agent.count("rejected"), "the session was never rejected\n" + c.outputs());
        }
    }

    private static void fill(java.util.SplittableRandom rnd, byte[] buf) {
        rnd.nextBytes(buf);
    }

    /** SHA-256 of the first {@code n} bytes of the writer's stream (16 KiB blocks of SplittableRandom). */
    private static String prefixSha(long seed, long n) {
        java.security.MessageDigest d = StreamCheck.sha256();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        byte[] buf = new byte[16 * 1024];
        long left = n;
        while (left > 0) {
            rnd.nextBytes(buf);
            int take = (int) Math.min(buf.length, left);
            d.update(buf, 0, take);
            left -= take;
        }
        return java.util.HexFormat.of().formatHex(d.digest());
    }
}
