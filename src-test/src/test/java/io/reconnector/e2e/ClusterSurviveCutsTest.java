package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import io.reconnector.edge.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three relays behind HAProxy: a client resumes on whichever node the balancer picks. */
class ClusterSurviveCutsTest {
    private static final long SIZE = 200L << 20;
    private static final int CUTS = 12;
    /** What a node reports when the agent's session comes to it: resumed, taken on, or forwarded home. */
    private static final Set<String> SERVED = Set.of(Event.SESSION_STARTED.key(), Event.SESSION_RESUMED.key(),
            Event.SESSION_TAKEN_OVER.key(), Event.SESSION_MOVED_IN.key(), Event.TRANSPORT_FORWARDED.key());

    @ParameterizedTest
    @EnumSource(Security.class)
    void twoHundredMegabytesEachWayResumingOnEveryNode(Security security) throws Exception {
        try (BulkServer server = BulkServer.untilClientEnds(31, 32); RelayCluster c = security.cluster(List.of())) {
            c.startAgent(List.of("--forward", "0:127.0.0.1:" + server.port()));
            BulkClient app = BulkClient.untilStopped(c.forwardPorts.get(0), 32, 31);
            Cuts.Outcome run = Cuts.openEnded(c.proxy, app, server, CUTS, SIZE);
            int cuts = run.cuts();
            BulkServer.Result up = run.server();
            String logs = c.outputs();

            assertEquals(CUTS, cuts, "every cut fell inside the transfer");
            assertNull(app.error, "the application never saw a socket error\n" + logs);
            assertNull(up.error(), "the server never saw a socket error");
            assertEquals(up.sentSha256(), app.received.sha256, "download: SHA-256 equal (the server sent "
                    + up.sentBytes() + " bytes, the application got " + app.received.describe() + ")\n" + logs);
            assertEquals(app.sentSha256, up.receivedSha256(), "upload: SHA-256 equal (the application sent "
                    + app.sent.get() + " bytes, the server got " + up.received() + ")\n" + logs);
            assertEquals(1, server.accepts(), "the upstream connection was opened once");
            assertTrue(c.count(Event.TRANSPORT_FORWARDED, e -> e.getLong("client_id") == c.clientId) >= 2,
                    "resumes went through forwarding nodes\n" + logs);
            for (int i = 0; i < RelayCluster.NODES; i++) {
                assertTrue(c.relays[i].events.stream().anyMatch(e -> SERVED.contains(e.getString("event"))
                                && e.getLong("client_id", -1L) == c.clientId),
                        "node " + RelayCluster.name(i) + " served the client at least once\n" + logs);
            }
            assertTrue(c.agent.count(Event.RESUMED) >= CUTS, logs);
            // Blackholed transports stay half-open at the relays: each time the newer one won.
            assertTrue(c.count(Event.TRANSPORT_CLOSED, e -> "NEWER_TRANSPORT".equals(e.getString("reason"))
                    || "HOP_CLOSED".equals(e.getString("reason"))) >= 1, logs);
        }
    }
}
