package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three relays behind HAProxy: a client resumes on whichever node the balancer picks. */
class ClusterSurviveCutsTest {
    private static final long SIZE = 200L << 20;

    @Test
    void twoHundredMegabytesEachWayResumingOnEveryNode() throws Exception {
        try (BulkServer server = new BulkServer(31, SIZE); RelayCluster c = new RelayCluster(List.of())) {
            c.startAgent(List.of("--forward", "0:127.0.0.1:" + server.port()));
            BulkClient app = new BulkClient(c.forwardPorts.get(0), 32, SIZE);
            int cuts = Cuts.alternate(c.proxy, app, 12);
            app.join(300_000);
            Wait.until("the server has finished its side", 60_000, () -> server.results().size() == 1);
            BulkServer.Result up = server.results().get(0);
            String logs = c.outputs();

            assertTrue(cuts >= 10, "the transfer lasted through " + cuts + " cuts");
            assertNull(app.error, "the application never saw a socket error\n" + logs);
            assertNull(up.error(), "the server never saw a socket error");
            assertEquals(up.sentSha256(), app.received.sha256, "download: SHA-256 equal");
            assertEquals(app.sentSha256, up.receivedSha256(), "upload: SHA-256 equal");
            assertEquals(1, server.accepts(), "the upstream connection was opened once");
            assertTrue(c.count("forwarding the transport to its home") >= 2, "resumes went through forwarding nodes\n" + logs);
            for (int i = 0; i < RelayCluster.NODES; i++) {
                int node = i;
                assertTrue(c.relays[i].count("transport") > 0 || c.home() == node,
                        "node " + RelayCluster.name(i) + " served the client at least once\n" + logs);
            }
            assertTrue(c.agent.count("resumed: ") >= 10, logs);
            // Blackholed transports stay half-open at the relays: each time the newer one won.
            assertTrue(c.count("a newer transport took the session over|the home closed the hop") >= 1, logs);
        }
    }
}
