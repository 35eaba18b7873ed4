package io.reconnector.relay;

import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.store.SessionKey;
import io.reconnector.store.SessionRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session moving into a node while a second transport of its client arrives there. Node B
 * asks A for the idle session; A writes the record with B as its home; before B has read that
 * record back and adopted the session, the client's next transport reaches B. That transport
 * must find the session arriving, not read "homed here, but not in this process" and take it
 * over as if B had died with it: two copies of the session, the later one replacing the first,
 * cost the client the connections it opened meanwhile (a rolling restart lost a curl request
 * this way).
 */
@ExtendWith(VertxExtension.class)
class MoveRaceTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final HoldingStore store = new HoldingStore();
    private static Relay a;
    private static Relay b;
    private static Upstream upstream;

    /**
     * The store both nodes share, which can hold back B's first read of a record naming B as
     * home: the read answers late, with the record as it is when let go.
     */
    private static final class HoldingStore extends ForwardingStore {
        private volatile String holdHomedAt;
        final CompletableFuture<Void> held = new CompletableFuture<>();
        final Promise<Void> release = Promise.promise();

        @Override
        public Future<Optional<SessionRecord>> get(SessionKey key) {
            return inner.get(key).compose(rec -> {
                String node = holdHomedAt;
                if (node != null && rec.isPresent() && rec.get().homeNode().equals(node)) {
                    holdHomedAt = null;
                    held.complete(null);
                    return release.future().compose(v -> inner.get(key)); // read as it is when let go
                }
                return Future.succeededFuture(rec);
            });
        }
    }

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext ctx) throws Exception {
        upstream = new Upstream();
        Directory.Local directory = new Directory.Local();
        a = new Relay(InProcessNodes.node("A"), store, directory);
        b = new Relay(InProcessNodes.node("B"), store, directory);
        vertx.deployVerticle(a).compose(x -> vertx.deployVerticle(b)).onComplete(ctx.succeedingThenComplete());
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
    }

    @Test
    void aTransportArrivingWhileItsSessionMovesInFindsTheSessionAndKeepsIt() throws Exception {
        long id = 5151;
        try (RawClient first = new RawClient(a.port())) {
            first.send(new StartSession(id));
            assertEquals(new SessionStarted(id, Serial16.NONE), first.next(SessionStarted.class));
            first.socket.setSoLinger(true, 0); // a reset: the idle session only detaches on A
        }

        store.holdHomedAt = "B";
        try (RawClient moving = new RawClient(b.port()); RawClient next = new RawClient(b.port())) {
            moving.send(new ReconnectSession(id, Serial16.NONE));
            store.held.get(10, TimeUnit.SECONDS); // A handed the session over; B's read of it waits

            next.send(new ReconnectSession(id, Serial16.NONE));
            // The next transport has been routed as far as it goes before the move finishes:
            // on a node that takes the session over, that is a takeover.
            await().atMost(Duration.ofSeconds(10)).until(() -> b.shards().arrivals().waiting() > 0
                    || b.metrics().takeovers() > 0);
            b.onLoop(() -> store.release.complete());

            assertEquals(new SessionStarted(id, Serial16.NONE), next.next(SessionStarted.class),
                    "the next transport resumed the session");
            next.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
            Connected connected = next.next(Connected.class);
            next.send(new Ack(connected.messageId(), 256), new Data(1, 1, 256, Buffer.buffer("kept")));
            assertEquals(Buffer.buffer("kept"), next.next(Data.class).payload(),
                    "its connection works: no second copy of the session replaced the first");
            assertEquals(0, b.metrics().takeovers(), "B took nothing over: the session moved in, once");
            assertTrue(moving.closedByRelay(5000), "the first transport gave way to the newer one");
        }
    }
}
