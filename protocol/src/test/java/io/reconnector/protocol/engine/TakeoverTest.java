package io.reconnector.protocol.engine;

import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Ipv4Address;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Another relay node takes a session over from a record: after a clean handover (exact
 * record, no connections) and after the home died (the record lags the wire).
 */
class TakeoverTest {
    private static final EngineConfig CONFIG = EngineConfig.serverDefaults().withReceiveWindow(16 * 1024);

    private static void assertNoProtocolErrors(Wire w) {
        assertTrue(w.effects(true, Effect.ProtocolError.class).isEmpty(), () -> "client: " + w.clientEffects);
        assertTrue(w.effects(false, Effect.ProtocolError.class).isEmpty(), () -> "server: " + w.serverEffects);
    }

    /** Opens a connection, moves a few bytes both ways, and closes it; returns its id. */
    private static int roundTrip(Wire w, String up, String down) {
        int id = w.link.client.nextFreeConnectionId();
        w.apply(true, w.link.client.open(id, Ipv4Address.parse("127.0.0.1"), 80));
        w.settle();
        w.apply(false, w.link.server.upstreamConnected(id, w.dialTokens.get(id)));
        w.settle();
        w.apply(true, w.link.client.write(id, Buffer.buffer(up)));
        w.apply(false, w.link.server.write(id, Buffer.buffer(down)));
        w.settle();
        w.apply(true, w.link.client.localEof(id));
        w.apply(false, w.link.server.localEof(id));
        w.settle();
        return id;
    }

    @Test
    void aCleanHandoverContinuesTheSessionExactly() {
        Wire w = new Wire(CONFIG);
        w.link.connect();
        w.settle();
        int first = roundTrip(w, "up-1", "down-1");
        assertEquals(Buffer.buffer("down-1"), w.received(true, first));
        assertEquals(0, w.link.server.connectionCount(), "idle: every connection is closed and acked");

        // The old home writes its exact record and lets go; another node restores it.
        SessionSnapshot snap = w.link.server.snapshot();
        w.link.cut();
        w.link.server = ServerSessionEngine.restore(42, CONFIG, snap, false);
        w.link.connect();
        w.settle();
        int second = roundTrip(w, "up-2", "down-2");
        assertEquals(Buffer.buffer("down-2"), w.received(true, second));
        assertEquals(Buffer.buffer("up-2"), w.received(false, second));
        assertNoProtocolErrors(w);
    }

    @Test
    void afterTheHomeDiesALaggingRecordStillResumesAndClosesItsConnections() {
        Wire w = new Wire(CONFIG);
        w.link.connect();
        w.settle();
        int done = roundTrip(w, "a", "b");
        // A long-lived connection opens; the record is written; then more traffic the record never sees.
        int id = w.link.client.nextFreeConnectionId();
        w.apply(true, w.link.client.open(id, Ipv4Address.parse("127.0.0.1"), 5432));
        w.settle();
        w.apply(false, w.link.server.upstreamConnected(id, w.dialTokens.get(id)));
        w.settle();
        SessionSnapshot lagging = w.link.server.snapshot();
        w.apply(true, w.link.client.write(id, Buffer.buffer("after the record")));
        w.apply(false, w.link.server.write(id, Buffer.buffer("also after")));
        w.settle();
        // A New Connection acked by the home that then died before recording or dialling it.
        int orphan = w.link.client.nextFreeConnectionId();
        w.apply(true, w.link.client.open(orphan, Ipv4Address.parse("127.0.0.1"), 6379));
        w.settle();
        assertEquals(Buffer.buffer("also after"), w.received(true, id));

        w.link.cut(); // the home is gone
        w.link.server = ServerSessionEngine.restore(42, CONFIG, lagging, true);
        int mark = w.clientEffects.size();
        w.link.connect();
        w.settle();
        List<Effect> after = List.copyOf(w.clientEffects.subList(mark, w.clientEffects.size()));
        assertTrue(after.contains(new Effect.CloseConnection(id, CloseReason.ABORTED_BY_PEER)),
                "the connection that lived on the lost home is closed: " + after);
        assertTrue(after.contains(new Effect.ConnectResult(orphan, 113)),
                "the New Connection only the lost home saw fails instead of hanging: " + after);
        assertTrue(w.serverEffects.stream().anyMatch(e -> e instanceof Effect.Send s
                && s.frame() instanceof ConnectionClosed c && c.connectionId() == id));
        assertEquals(1, w.effects(false, Effect.OpenUpstream.class).stream().filter(o -> o.port() == 5432).count(),
                "the recorded connection is never dialled again");

        int fresh = roundTrip(w, "new up", "new down");
        assertEquals(Buffer.buffer("new down"), w.received(true, fresh));
        assertEquals(Buffer.buffer("new up"), w.received(false, fresh));
        assertNoProtocolErrors(w);
        assertTrue(after.stream().noneMatch(e -> e instanceof Effect.CloseConnection c && c.connectionId() == done
                        || e instanceof Effect.ConnectResult r && r.connectionId() == done),
                "the connection that had finished before the record is not reported lost: " + after);
    }
}
