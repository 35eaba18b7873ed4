package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import io.reconnector.edge.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The product's promise, with real processes: bulk data through a forward while the link is cut. */
class SurviveCutsTest {
    private static final long SIZE = 200L << 20;
    private static final int CUTS = 10;

    @ParameterizedTest
    @EnumSource(Security.class)
    void twoHundredMegabytesEachWayThroughFiveResetsAndFiveBlackholes(Security security) throws Exception {
        try (BulkServer server = BulkServer.untilClientEnds(11, 22);
             Tunnel t = security.tunnel(List.of(), List.of("--forward", "0:127.0.0.1:" + server.port()))) {
            // Open-ended, so every cut falls inside the transfer whatever this machine's speed.
            BulkClient app = BulkClient.untilStopped(t.forwardPorts.get(0), 22, 11);
            Cuts.Outcome run = Cuts.openEnded(t.proxy, app, server, CUTS, SIZE);
            int cuts = run.cuts();
            BulkServer.Result up = run.server();

            assertEquals(CUTS, cuts, "every cut fell inside the transfer");
            assertNull(app.error, "the application never saw a socket error");
            assertNull(up.error(), "the server never saw a socket error");
            assertTrue(app.received.bytes >= SIZE && up.receivedBytes() >= SIZE, "at least 200 MB each way");
            assertEquals(app.sent.get(), up.receivedBytes(), "the server got every byte the application sent");
            assertEquals(up.sentSha256(), app.received.sha256, "download: SHA-256 equal on both ends (the server sent "
                    + up.sentBytes() + " bytes, the application got " + app.received.describe() + ")");
            assertEquals(app.sentSha256, up.receivedSha256(), "upload: SHA-256 equal on both ends (the application sent "
                    + app.sent.get() + " bytes, the server got " + up.received() + ")");
            assertEquals(1, server.accepts(), "the relay opened the upstream connection once");
            assertTrue(t.agent.count(Event.RESUMED) >= CUTS, "the agent resumed after every cut:\n" + t.agent.output());
            assertEquals(0, t.agent.count(Event.REJECTED), t.agent.output());
        }
    }
}
