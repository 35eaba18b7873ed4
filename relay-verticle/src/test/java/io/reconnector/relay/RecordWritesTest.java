package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.store.ConnectionRecord;
import io.reconnector.store.SessionKey;
import io.reconnector.store.SessionRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a relay writes a connection into its session's record. Alone in its cluster nobody could
 * take a session over from the record, so opening a connection costs no store write; from the
 * moment a second member is seen, a connection is answered only once its record is stored.
 */
@ExtendWith(VertxExtension.class)
class RecordWritesTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final CountingStore store = new CountingStore();
    private static Relay relay;
    private static Upstream upstream;

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext ctx) throws Exception {
        upstream = new Upstream();
        ClusterOptions single = ClusterOptions.single();
        // Progress is written on the tick at most once an hour: beyond the session's first tick,
        // every write this test sees is one a connection asked for.
        ClusterOptions slowTick = new ClusterOptions(single.namePrefix(), single.host(), single.port(), single.members(),
                single.dns(), single.keys(), single.peerListen(), single.eventBusPort(), Duration.ofHours(1));
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofSeconds(30), Duration.ofMillis(200),
                Duration.ofSeconds(3), 64 * 1024, "records").withCluster(slowTick);
        relay = new Relay(options, store, new Directory.Local());
        vertx.deployVerticle(relay).onComplete(ctx.succeedingThenComplete());
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
    }

    @Test
    void aNodeAloneWritesNoRecordPerConnectionAndANodeWithPeersRecordsEachBeforeConnected() throws Exception {
        long clientId = 7001;
        try (RawClient c = new RawClient(relay.port())) {
            c.send(new StartSession(clientId));
            assertEquals(new SessionStarted(clientId, Serial16.NONE), c.next(SessionStarted.class));

            relay.clusterMembers(1);
            int before = store.updates.get();
            int id = 0;
            for (int conn = 1; conn <= 20; conn++) {
                c.send(new NewConnection(id++, conn, LOOPBACK, upstream.port()));
                Connected connected = c.next(Connected.class);
                c.send(new Ack(connected.messageId(), 256), new ConnectionClosed(id++, conn));
            }
            // The session's first tick may write its record once (nothing was written since the start).
            int written = store.updates.get() - before;
            assertTrue(written <= 1, "alone: 20 connections opened and closed, " + written + " record writes");

            relay.clusterMembers(2);
            store.holdWrites(true);
            int held = store.updates.get();
            c.send(new NewConnection(id, 21, LOOPBACK, upstream.port()));
            await().atMost(5, TimeUnit.SECONDS).until(() -> store.updates.get() > held);
            assertThrows(AssertionError.class, () -> c.next(Connected.class, f -> true, 300),
                    "with peers, no Connected while the connection's record is being written");
            store.holdWrites(false);
            Connected connected = c.next(Connected.class);
            assertEquals(21, connected.connectionId());
            SessionRecord stored = store.get(SessionKey.anonymous(clientId)).toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).orElseThrow();
            assertTrue(stored.connections().stream().map(ConnectionRecord::id).anyMatch(i -> i == 21),
                    "with peers, the record holds the connection by the time it is answered: " + stored.connections());
        }
    }

    /**
     * A destination that speaks first (SMTP, SSH, FTP, a database) sends its greeting the moment
     * it accepts, while the relay still waits for the connection's record: not a byte of it
     * may be lost in that wait.
     */
    @Test
    void aGreetingSentWhileTheRecordIsWrittenArrivesWhole() throws Exception {
        long clientId = 7002;
        byte[] greeting = "220 a server that speaks first\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (java.net.ServerSocket speaker = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             RawClient c = new RawClient(relay.port())) {
            java.util.concurrent.CompletableFuture<Void> greeted = new java.util.concurrent.CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (java.net.Socket s = speaker.accept()) {
                    s.getOutputStream().write(greeting);
                    s.getOutputStream().flush();
                    greeted.complete(null);
                    s.getInputStream().readAllBytes(); // until the relay closes its side
                } catch (java.io.IOException e) {
                    greeted.completeExceptionally(e);
                }
            });
            t.setDaemon(true);
            t.start();
            c.send(new StartSession(clientId));
            assertEquals(new SessionStarted(clientId, Serial16.NONE), c.next(SessionStarted.class));
            relay.clusterMembers(2);
            store.holdWrites(true);
            try {
                c.send(new NewConnection(0, 1, LOOPBACK, speaker.getLocalPort()));
                greeted.get(5, TimeUnit.SECONDS);
                // The relay has the greeting on its dialled socket well within this: the record waits.
                assertThrows(AssertionError.class, () -> c.next(Connected.class, f -> true, 300));
            } finally {
                store.holdWrites(false);
            }
            Connected connected = c.next(Connected.class);
            c.send(new Ack(connected.messageId(), 256));
            assertEquals(io.vertx.core.buffer.Buffer.buffer(greeting),
                    c.next(io.reconnector.protocol.frame.Data.class).payload(), "the whole greeting, once connected");
        } finally {
            relay.clusterMembers(1);
        }
    }

    /** The in-memory store, counting the writes of a session's progress, which it can hold back. */
    static final class CountingStore extends ForwardingStore {
        final AtomicInteger updates = new AtomicInteger();
        private final List<Runnable> held = new java.util.ArrayList<>();
        private boolean holding;

        /** While on, writes of progress complete only when it is turned off again. */
        synchronized void holdWrites(boolean on) {
            holding = on;
            if (!on) {
                held.forEach(Runnable::run);
                held.clear();
            }
        }

        @Override
        public Future<Boolean> update(SessionRecord record) {
            synchronized (this) {
                if (holding) {
                    io.vertx.core.Promise<Boolean> later = io.vertx.core.Promise.promise();
                    // Completed on the relay's event loop, as a real store's answer comes back.
                    io.vertx.core.Context loop = io.vertx.core.Vertx.currentContext();
                    held.add(() -> loop.runOnContext(v -> inner.update(record).onComplete(later)));
                    updates.incrementAndGet();
                    return later.future();
                }
            }
            updates.incrementAndGet();
            return inner.update(record);
        }
    }
}
