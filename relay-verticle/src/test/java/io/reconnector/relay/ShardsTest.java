package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.store.SessionKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node on two event loops, over real sockets: its shards share the client port (Vert.x
 * hands accepted connections to the loops in turn), sessions are served on both, a client
 * whose transport lands on the other loop resumes across the bridge, and what a node counts or
 * decides once (a session per client id, the session limit) holds across loops.
 */
@ExtendWith(VertxExtension.class)
class ShardsTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final AtomicLong IDS = new AtomicLong(7000);
    private static Relay node;
    private static Relay small;
    private static Upstream upstream;
    private static final List<RawClient> open = new ArrayList<>();

    private static RelayOptions options(String name, int maxSessions) {
        Limits d = Limits.defaults();
        return RelayOptions.singleNode(new HostPort("127.0.0.1", 0), List.of(AddressRule.parse("127.0.0.0/8")),
                        List.of(), Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(3), 64 * 1024, name)
                .withLimits(new Limits(maxSessions, 100, d.maxConnections(), d.maxConnectionsPerSecond(),
                        d.maxHandshakesPerAddress(), d.sessionBufferBytes(), d.connectionBufferBytes()));
    }

    /** Starts a node's shards as a node does, each on a loop of its own (the first binds the ports). */
    private static Future<Relay> deploy(Vertx vertx, List<Relay> shards) {
        return RelayNode.startShards(vertx, shards).map(x -> shards.get(0));
    }

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext ctx) throws Exception {
        upstream = new Upstream();
        deploy(vertx, RelayShards.forNode(options("two-loops", 1000), null, 2))
                .compose(n -> {
                    node = n;
                    return deploy(vertx, RelayShards.forNode(options("small", 2), null, 2));
                })
                .onComplete(ctx.succeeding(n -> {
                    small = n;
                    ctx.completeNow();
                }));
    }

    @AfterAll
    static void stop() throws Exception {
        for (RawClient c : open) {
            c.close();
        }
        upstream.close();
    }

    private static RawClient started(Relay relay, long id) throws Exception {
        RawClient c = new RawClient(relay.port());
        open.add(c);
        c.send(new StartSession(id));
        assertEquals(new SessionStarted(id, Serial16.NONE), c.next(SessionStarted.class));
        return c;
    }

    /** The shard serving session {@code id}, as the node's shared table says. */
    private static Relay servedBy(Relay relay, long id) {
        RelaySession s = relay.shards().session(SessionKey.anonymous(id));
        return s == null ? null : s.relay;
    }

    @Test
    void sessionsAreServedOnEveryLoop() throws Exception {
        Set<Relay> shards = new HashSet<>();
        Set<Thread> loops = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            long id = IDS.incrementAndGet();
            RawClient c = started(node, id);
            c.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
            Connected connected = c.next(Connected.class);
            c.send(new Ack(connected.messageId(), 256), new Data(1, 1, 256, Buffer.buffer("hello " + i)));
            assertEquals(Buffer.buffer("hello " + i), c.next(Data.class).payload(), "session " + i + " relays");
            Relay shard = servedBy(node, id);
            shards.add(shard);
            loops.add(threadOf(shard));
        }
        assertEquals(2, shards.size(), "four sessions started one after another are served by both shards");
        assertEquals(2, loops.size(), "on two event loops: " + loops);
    }

    private static Thread threadOf(Relay shard) throws Exception {
        java.util.concurrent.CompletableFuture<Thread> t = new java.util.concurrent.CompletableFuture<>();
        shard.onLoop(() -> t.complete(Thread.currentThread()));
        return t.get();
    }

    @Test
    void aClientThatLandsOnTheOtherLoopResumesAcrossTheBridge() throws Exception {
        long id = IDS.incrementAndGet();
        RawClient c = started(node, id);
        Relay home = servedBy(node, id);
        c.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
        Connected connected = c.next(Connected.class);
        c.send(new Ack(connected.messageId(), 256), new Data(1, 1, 256, Buffer.buffer("zero")));
        assertEquals(Buffer.buffer("zero"), c.next(Data.class).payload());
        long bridges = node.metrics().bridges();
        int nextId = 2;
        int lastAcked = 1; // Connected (0) and the echo (1)
        // Accepted connections alternate between the loops: of two transports in a row, one
        // lands on the loop that does not serve the session.
        for (int round = 0; round < 2; round++) {
            c.socket.setSoLinger(true, 0);
            c.close(); // a reset: the session only detaches
            c = new RawClient(node.port());
            open.add(c);
            c.send(new ReconnectSession(id, lastAcked));
            assertEquals(new SessionStarted(id, nextId - 1), c.next(SessionStarted.class), "resumed, round " + round);
            String word = "round " + round;
            c.send(new Data(nextId++, 1, 256, Buffer.buffer(word)));
            Data echo = c.next(Data.class);
            assertEquals(Buffer.buffer(word), echo.payload(), "the connection still works, round " + round);
            lastAcked = echo.messageId();
            assertEquals(home, servedBy(node, id), "the session stays on its loop");
        }
        assertEquals(bridges + 1, node.metrics().bridges(), "one of the two transports was bridged");

        // Ending cleanly, whichever loop the transport is on: close the connection, then FIN.
        c.send(new ConnectionClosed(nextId, 1));
        int closedId = nextId;
        c.next(Ack.class, a -> a.messageId() == closedId, 5000);
        c.socket.shutdownOutput();
        assertTrue(c.closedByRelay(5000), "the session ended and closed the transport");
        for (int i = 0; i < 2; i++) { // on either loop
            try (RawClient late = new RawClient(node.port())) {
                late.send(new ReconnectSession(id, lastAcked));
                assertEquals(new SessionRejected(id), late.next(SessionRejected.class), "the session is over");
            }
        }
        assertNull(servedBy(node, id));
    }

    @Test
    void aStartSessionOnTheOtherLoopReplacesTheSession() throws Exception {
        long id = IDS.incrementAndGet();
        RawClient first = started(node, id);
        Relay before = servedBy(node, id);
        RawClient second = started(node, id); // the next accepted connection: the other loop
        assertTrue(first.closedByRelay(5000), "the replaced session's transport was closed");
        Relay after = servedBy(node, id);
        assertNotSame(before, after, "the new session is served where its Start Session arrived");
        second.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
        Connected connected = second.next(Connected.class);
        second.send(new Ack(connected.messageId(), 256), new Data(1, 1, 256, Buffer.buffer("new")));
        assertEquals(Buffer.buffer("new"), second.next(Data.class).payload(), "the new session relays");
    }

    @Test
    void aDrainKeepsServingABusySessionWhoseTransportIsOnTheOtherLoop(Vertx vertx) throws Exception {
        Relay draining = deploy(vertx, RelayShards.forNode(options("draining", 1000), null, 2))
                .toCompletionStage().toCompletableFuture().get();
        long id = IDS.incrementAndGet();
        RawClient c = started(draining, id);
        c.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
        Connected connected = c.next(Connected.class);
        c.send(new Ack(connected.messageId(), 256));
        int nextId = 1;
        int lastAcked = connected.messageId();
        // Come back until the transport lands on the loop that does not serve the session.
        for (long bridged = draining.metrics().bridges(); draining.metrics().bridges() == bridged; ) {
            c.socket.setSoLinger(true, 0);
            c.close();
            c = new RawClient(draining.port());
            open.add(c);
            c.send(new ReconnectSession(id, lastAcked));
            assertEquals(new SessionStarted(id, nextId - 1), c.next(SessionStarted.class));
        }
        // The loop that accepted this transport serves no session: its part of the drain is over
        // at once, but the transport must live on while the other loop's session is busy.
        Future<Void> drained = draining.drain();
        Relay accepting = draining.shards().all().stream().filter(shard -> shard != servedBy(draining, id))
                .findFirst().orElseThrow();
        java.util.concurrent.CompletableFuture<NodeDrain.Outcome> acceptingDone = new java.util.concurrent.CompletableFuture<>();
        accepting.onLoop(() -> accepting.drainShard().onSuccess(acceptingDone::complete)); // the drain it already runs
        assertEquals(0, acceptingDone.get().written(), "the accepting loop had no session of its own");
        c.send(new Data(nextId++, 1, 256, Buffer.buffer("still here")));
        assertEquals(Buffer.buffer("still here"), c.next(Data.class).payload(), "served while the node drains");
        c.send(new ConnectionClosed(nextId, 1));
        drained.toCompletionStage().toCompletableFuture().get(); // the session is idle now: the drain ends
        assertTrue(c.closedByRelay(5000), "and then closes the transport");
    }

    @Test
    void ofTwoStartSessionsRacingOnTwoLoopsTheNewerEpochWinsWhateverOrderTheyFinishIn(Vertx vertx) throws Exception {
        HeldStarts store = new HeldStarts();
        RelayOptions options = options("racing", 1000);
        RelayShards group = new RelayShards(2, options, context -> store, context -> new Directory.Local());
        List<Relay> shards = List.of(new Relay(options, group), new Relay(options, group));
        Relay racing = deploy(vertx, shards).toCompletionStage().toCompletableFuture().get();
        long id = IDS.incrementAndGet();
        // One client's Start Session on a transport it then gave up on, and again on the next:
        // accepted connections alternate, so the two land on two loops.
        RawClient older = new RawClient(racing.port());
        open.add(older);
        older.send(new StartSession(id));
        store.awaitHeld(1);
        RawClient newer = new RawClient(racing.port());
        open.add(newer);
        newer.send(new StartSession(id));
        store.awaitHeld(2);
        store.releaseNewest(); // the store gave the second the newer epoch; it answers first
        assertEquals(new SessionStarted(id, Serial16.NONE), newer.next(SessionStarted.class));
        store.releaseNewest(); // then the older one, on the other loop
        assertTrue(older.closedWithoutAFrame(5000), "the older start, finishing last, does not displace the newer");
        newer.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
        Connected connected = newer.next(Connected.class);
        newer.send(new Ack(connected.messageId(), 256), new Data(1, 1, 256, Buffer.buffer("newest")));
        assertEquals(Buffer.buffer("newest"), newer.next(Data.class).payload(), "the newer session is served");
        assertEquals(store.newestEpoch(SessionKey.anonymous(id)), racing.shards().session(SessionKey.anonymous(id)).homeEpoch);
    }

    /**
     * A store that records Start Sessions at once, in the order they come (so epochs follow
     * that order), but answers them only when told, newest first, each on the loop that asked.
     */
    private static final class HeldStarts extends ForwardingStore {
        private final java.util.Deque<Runnable> held = new java.util.ArrayDeque<>();

        @Override
        public synchronized Future<Started> start(SessionKey key, String node, long now) {
            io.vertx.core.Promise<Started> later = io.vertx.core.Promise.promise();
            io.vertx.core.Context loop = Vertx.currentContext();
            Future<Started> started = inner.start(key, node, now);
            held.push(() -> loop.runOnContext(v -> started.onComplete(later)));
            notifyAll();
            return later.future();
        }

        synchronized void awaitHeld(int n) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 5000;
            while (held.size() < n && System.currentTimeMillis() < deadline) {
                wait(100);
            }
            assertEquals(n, held.size(), "Start Sessions waiting for the store");
        }

        synchronized void releaseNewest() {
            held.pop().run();
        }

        long newestEpoch(SessionKey key) throws Exception {
            return inner.get(key).toCompletionStage().toCompletableFuture().get().orElseThrow().epoch();
        }
    }

    @Test
    void theSessionLimitCountsEveryLoop() throws Exception {
        long refused = small.metrics().refusedBy(Limits.Limit.SESSIONS);
        started(small, IDS.incrementAndGet());
        started(small, IDS.incrementAndGet());
        try (RawClient third = new RawClient(small.port())) {
            third.send(new StartSession(IDS.incrementAndGet()));
            assertTrue(third.closedWithoutAFrame(5000), "a third session is refused, whichever loop it lands on");
        }
        assertEquals(refused + 1, small.metrics().refusedBy(Limits.Limit.SESSIONS));
    }
}
