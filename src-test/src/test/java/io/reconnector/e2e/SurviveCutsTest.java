package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The product's promise, with real processes: bulk data through a forward while the link is cut. */
class SurviveCutsTest {
    private static final long SIZE = 200L << 20;

    @Test
    void twoHundredMegabytesEachWayThroughFiveResetsAndFiveBlackholes() throws Exception {
        try (BulkServer server = new BulkServer(11, SIZE);
             Tunnel t = new Tunnel(List.of(), List.of("--forward", "0:127.0.0.1:" + server.port()))) {
            BulkClient app = new BulkClient(t.forwardPorts.get(0), 22, SIZE);
            int cuts = Cuts.alternate(t.proxy, app, 10);
            app.join(300_000);
            Wait.until("the server has finished its side", 60_000, () -> server.results().size() == 1);
            BulkServer.Result up = server.results().get(0);

            assertEquals(10, cuts, "the transfer lasted through ten cuts (make it bigger if this machine is faster)");
            assertNull(app.error, "the application never saw a socket error");
            assertNull(up.error(), "the server never saw a socket error");
            assertEquals(SIZE, app.received.bytes);
            assertEquals(up.sentSha256(), app.received.sha256, "download: SHA-256 equal on both ends");
            assertEquals(SIZE, up.receivedBytes());
            assertEquals(app.sentSha256, up.receivedSha256(), "upload: SHA-256 equal on both ends");
            assertEquals(1, server.accepts(), "the relay opened the upstream connection once");
            assertTrue(t.agent.count("resumed: ") >= 10, "the agent resumed after every cut:\n" + t.agent.output());
            assertEquals(0, t.agent.count("rejected"), t.agent.output());
        }
    }
}
