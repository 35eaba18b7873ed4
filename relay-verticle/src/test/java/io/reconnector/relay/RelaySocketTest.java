package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A relay in this JVM (in-process store) driven over real sockets by hand-made frames. */
@ExtendWith(VertxExtension.class)
class RelaySocketTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final AtomicLong CLIENT_IDS = new AtomicLong(100);
    private static final Duration DEAD_AFTER = Duration.ofSeconds(3);
    private static Relay relay;
    private static Upstream upstream;

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext ctx) throws Exception {
        upstream = new Upstream();
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(AddressRule.parse("127.0.0.1:1-10")),
                Duration.ofMillis(800), Duration.ofMillis(200), DEAD_AFTER, 64 * 1024, "test");
        relay = Relay.single(options);
        vertx.deployVerticle(relay).onComplete(ctx.succeedingThenComplete());
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
    }

    /** Starts a session and opens connection 1 to the echo upstream, granting the relay a window. */
    private static RawClient startWithEcho(long clientId) throws Exception {
        RawClient c = new RawClient(relay.port());
        c.send(new StartSession(clientId));
        assertEquals(new SessionStarted(clientId, Serial16.NONE), c.next(SessionStarted.class));
        c.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
        Connected connected = c.next(Connected.class);
        assertEquals(1, connected.connectionId());
        c.send(new Ack(connected.messageId(), 256));
        return c;
    }

    @Test
    void bytesRoundTripThroughTheRelay() throws Exception {
        try (RawClient c = startWithEcho(CLIENT_IDS.incrementAndGet())) {
            c.send(new Data(1, 1, 256, Buffer.buffer("hello")));
            Data echoed = c.next(Data.class);
            assertEquals(Buffer.buffer("hello"), echoed.payload());
        }
    }

    @Test
    void garbageClosesThatTransportOnlyAndTheRelayServesOthers() throws Exception {
        long before = relay.metrics().protocolErrors();
        try (RawClient bad = new RawClient(relay.port()); RawClient good = startWithEcho(CLIENT_IDS.incrementAndGet())) {
            bad.sendBytes(new byte[] {0x01, 0, 0, 0, 9, 0x7e, 0x7e, 0x7e});
            assertTrue(bad.closedByRelay(3000), "the relay closes a transport that sends an unknown code");
            assertTrue(relay.metrics().protocolErrors() > before, "and counts it");
            good.send(new Data(1, 1, 256, Buffer.buffer("still here")));
            assertEquals(Buffer.buffer("still here"), good.next(Data.class).payload());
        }
    }

    @Test
    void aTruncatedFrameThenCloseStartsNothingAndIsNoError() throws Exception {
        long started = relay.metrics().sessionsStarted();
        long errors = relay.metrics().protocolErrors();
        try (RawClient cut = new RawClient(relay.port())) {
            cut.sendBytes(new byte[] {0x01, 0, 0}); // the first 3 of Start Session's 5 bytes
        }
        try (RawClient good = startWithEcho(CLIENT_IDS.incrementAndGet())) {
            good.send(new Data(1, 1, 256, Buffer.buffer("ok")));
            assertEquals(Buffer.buffer("ok"), good.next(Data.class).payload());
        }
        assertEquals(started + 1, relay.metrics().sessionsStarted(), "only the good client started a session");
        assertEquals(errors, relay.metrics().protocolErrors(), "a frame cut short by a close is not a protocol error");
    }

    @Test
    void aTransportThatNeverFinishesItsHandshakeIsClosedAfterTheDeadInterval() throws Exception {
        try (RawClient slow = new RawClient(relay.port())) {
            slow.sendBytes(new byte[] {0x02, 0, 0}); // part of a Reconnect, then silence
            long t0 = System.nanoTime();
            assertTrue(slow.closedByRelay(DEAD_AFTER.toMillis() + 2000), "closed by the relay");
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER.toMillis() - 500),
                    "not before the dead interval");
        }
    }

    @Test
    void aFrameBeforeTheHandshakeClosesTheTransport() throws Exception {
        try (RawClient c = new RawClient(relay.port())) {
            c.send(new Ack(0, 0));
            assertTrue(c.closedByRelay(3000));
        }
    }

    @Test
    void anUnknownReconnectIsRejected() throws Exception {
        long id = CLIENT_IDS.incrementAndGet();
        try (RawClient c = new RawClient(relay.port())) {
            c.send(new ReconnectSession(id, 5));
            assertEquals(new SessionRejected(id), c.next(SessionRejected.class));
            assertTrue(c.closedByRelay(3000), "the relay closes the transport after rejecting");
        }
    }

    @Test
    void startSessionKillsTheExistingSessionAndItsConnections() throws Exception {
        long id = CLIENT_IDS.incrementAndGet();
        int index = upstream.accepted.get();
        try (RawClient first = startWithEcho(id); RawClient second = new RawClient(relay.port())) {
            java.util.concurrent.atomic.AtomicBoolean ours = upstream.connection(index);
            second.send(new StartSession(id));
            assertEquals(new SessionStarted(id, Serial16.NONE), second.next(SessionStarted.class));
            assertTrue(first.closedByRelay(3000), "the old session's transport is closed");
            await("the old session's upstream connection is closed").atMost(3, TimeUnit.SECONDS).untilTrue(ours);
        }
    }

    @Test
    void aResumedSessionKeepsItsConnection() throws Exception {
        long id = CLIENT_IDS.incrementAndGet();
        RawClient first = startWithEcho(id);
        first.send(new Data(1, 1, 256, Buffer.buffer("one")));
        assertEquals(Buffer.buffer("one"), first.next(Data.class).payload());
        first.socket.setSoLinger(true, 0);
        first.close(); // a reset: the session only detaches
        try (RawClient again = new RawClient(relay.port())) {
            again.send(new ReconnectSession(id, 1)); // we handled Connected (0) and the echo (1)
            assertEquals(new SessionStarted(id, 1), again.next(SessionStarted.class));
            again.send(new Data(2, 1, 256, Buffer.buffer("two")));
            assertEquals(Buffer.buffer("two"), again.next(Data.class).payload());
        }
    }

    @Test
    void aDetachedSessionExpiresAndItsUpstreamConnectionsClose() throws Exception {
        long id = CLIENT_IDS.incrementAndGet();
        int index = upstream.accepted.get();
        RawClient c = startWithEcho(id);
        java.util.concurrent.atomic.AtomicBoolean ours = upstream.connection(index);
        c.socket.setSoLinger(true, 0);
        c.close();
        await("the upstream connection is closed after the session TTL").atMost(5, TimeUnit.SECONDS).untilTrue(ours);
        try (RawClient late = new RawClient(relay.port())) {
            late.send(new ReconnectSession(id, 0));
            assertEquals(new SessionRejected(id), late.next(SessionRejected.class));
        }
    }

    @Test
    void destinationPolicyAndRefusedPortsGiveConnectFailedWithErrno() throws Exception {
        // A closed loopback port: nothing here binds privileged ports, and this one is not denied.
        Ipv4Address nobody = Ipv4Address.parse("127.0.0.2");
        int closedPort = 9;
        try (RawClient c = new RawClient(relay.port())) {
            long id = CLIENT_IDS.incrementAndGet();
            c.send(new StartSession(id));
            c.next(SessionStarted.class);
            c.send(new NewConnection(0, 1, LOOPBACK, 7)); // --deny 127.0.0.1:1-10
            assertEquals(ConnectFailed.EACCES, c.next(ConnectFailed.class).errno());
            c.send(new NewConnection(1, 2, Ipv4Address.parse("169.254.169.254"), 80)); // no --allow matches
            assertEquals(ConnectFailed.EACCES, c.next(ConnectFailed.class).errno());
            c.send(new NewConnection(2, 3, nobody, closedPort));
            assertEquals(ConnectFailed.ECONNREFUSED, c.next(ConnectFailed.class).errno());
            // The relay's own client port, under --allow 127.0.0.0/8 and on another loopback address.
            c.send(new NewConnection(3, 4, nobody, relay.port()));
            assertEquals(ConnectFailed.EACCES, c.next(ConnectFailed.class).errno());
        }
    }

    @Test
    void aCleanCloseWithNoConnectionEndsTheSession() throws Exception {
        long id = CLIENT_IDS.incrementAndGet();
        try (RawClient c = new RawClient(relay.port())) {
            c.send(new StartSession(id));
            c.next(SessionStarted.class);
            c.socket.shutdownOutput(); // FIN, no connection open
            assertTrue(c.closedByRelay(3000));
        }
        try (RawClient again = new RawClient(relay.port())) {
            again.send(new ReconnectSession(id, Serial16.NONE));
            assertEquals(new SessionRejected(id), again.next(SessionRejected.class), "the session has ended");
        }
    }

    /**
     * A destination that resets: the client is sent Connection Closed, and the relay counts the
     * abort as the destination's (and only once: not again as the client's when it acks the Closed).
     */
    @Test
    void aDestinationsResetIsCountedAsTheDestinations() throws Exception {
        long byDestination = relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.DESTINATION);
        long byClient = relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.CLIENT);
        try (ServerSocket resetting = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             RawClient c = new RawClient(relay.port())) {
            c.send(new StartSession(CLIENT_IDS.incrementAndGet()));
            c.next(SessionStarted.class);
            c.send(new NewConnection(0, 1, LOOPBACK, resetting.getLocalPort()));
            Connected connected = c.next(Connected.class);
            c.send(new Ack(connected.messageId(), 256), new Data(1, 1, 256, Buffer.buffer("x")));
            try (Socket s = resetting.accept()) {
                assertEquals('x', s.getInputStream().read());
                s.setSoLinger(true, 0); // the close sends a reset
            }
            ConnectionClosed closed = c.next(ConnectionClosed.class);
            assertEquals(1, closed.connectionId());
            c.send(new Ack(closed.messageId(), 0));
            // One more round trip: the relay has handled that Ack when the answer comes.
            c.send(new NewConnection(2, 2, LOOPBACK, upstream.port()));
            c.next(Connected.class);
            assertEquals(byDestination + 1, relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.DESTINATION));
            assertEquals(byClient, relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.CLIENT));
        }
    }

    /** The client aborts a connection (Closed before its EOF): counted as the client's. */
    @Test
    void aClientsAbortIsCountedAsTheClients() throws Exception {
        long byDestination = relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.DESTINATION);
        long broken = relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.PROTOCOL);
        long byClient = relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.CLIENT);
        int index = upstream.accepted.get();
        try (RawClient c = startWithEcho(CLIENT_IDS.incrementAndGet())) {
            java.util.concurrent.atomic.AtomicBoolean ended = upstream.connection(index);
            c.send(new ConnectionClosed(1, 1));
            await("the relay resets the destination's connection").atMost(5, TimeUnit.SECONDS).untilTrue(ended);
            await().atMost(5, TimeUnit.SECONDS)
                    .until(() -> relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.CLIENT) == byClient + 1);
            assertEquals(byDestination, relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.DESTINATION));
            assertEquals(broken, relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.PROTOCOL));
        }
    }

    /** Data after the client's own EOF: the relay cuts the connection and counts it as a broken rule. */
    @Test
    void dataAfterTheClientsEofIsCountedAsABrokenRule() throws Exception {
        long byClient = relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.CLIENT);
        long broken = relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.PROTOCOL);
        int index = upstream.accepted.get();
        try (RawClient c = startWithEcho(CLIENT_IDS.incrementAndGet())) {
            java.util.concurrent.atomic.AtomicBoolean ended = upstream.connection(index);
            c.send(new ConnectionEof(1, 1), new Data(2, 1, 256, Buffer.buffer("too late")));
            await("the relay resets the destination's connection").atMost(5, TimeUnit.SECONDS).untilTrue(ended);
            await().atMost(5, TimeUnit.SECONDS)
                    .until(() -> relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.PROTOCOL) == broken + 1);
            assertEquals(byClient, relay.metrics().connectionsAborted(RelayMetrics.AbortedBy.CLIENT));
        }
    }
}
