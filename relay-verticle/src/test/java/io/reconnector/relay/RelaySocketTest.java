package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A relay in this JVM (in-process store) driven over real sockets by hand-made frames. */
class RelaySocketTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final AtomicLong CLIENT_IDS = new AtomicLong(100);
    private static Vertx vertx;
    private static Relay relay;
    private static Upstream upstream;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = new Upstream();
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(AddressRule.parse("127.0.0.1:1-10")),
                Duration.ofMillis(800), Duration.ofMillis(200), Duration.ofSeconds(3), 64 * 1024, "test");
        relay = new Relay(options, null);
        vertx.deployVerticle(relay).toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
        upstream.close();
    }

    static void waitFor(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Starts a session and opens connection 1 to the echo upstream, granting the relay a window. */
    private static RawClient startWithEcho(long clientId) throws Exception {
        RawClient c = new RawClient(relay.port());
        c.send(new StartSession(clientId));
        assertEquals(new SessionStarted(clientId, 0xFFFF), c.next(SessionStarted.class));
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
        long before = relay.metrics().protocolErrors.get();
        try (RawClient bad = new RawClient(relay.port()); RawClient good = startWithEcho(CLIENT_IDS.incrementAndGet())) {
            bad.sendBytes(new byte[] {0x01, 0, 0, 0, 9, 0x7e, 0x7e, 0x7e});
            assertTrue(bad.closedByRelay(3000), "the relay closes a transport that sends an unknown code");
            assertTrue(relay.metrics().protocolErrors.get() > before, "and counts it");
            good.send(new Data(1, 1, 256, Buffer.buffer("still here")));
            assertEquals(Buffer.buffer("still here"), good.next(Data.class).payload());
        }
    }

    @Test
    void aTruncatedFrameThenCloseHurtsNobody() throws Exception {
        try (RawClient cut = new RawClient(relay.port())) {
            cut.sendBytes(new byte[] {0x01, 0, 0});
        }
        try (RawClient good = startWithEcho(CLIENT_IDS.incrementAndGet())) {
            good.send(new Data(1, 1, 256, Buffer.buffer("ok")));
            assertEquals(Buffer.buffer("ok"), good.next(Data.class).payload());
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
            assertEquals(new SessionStarted(id, 0xFFFF), second.next(SessionStarted.class));
            assertTrue(first.closedByRelay(3000), "the old session's transport is closed");
            waitFor("the old session's upstream connection is closed", 3000, ours::get);
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
        waitFor("the upstream connection is closed after the session TTL", 5000, ours::get);
        try (RawClient late = new RawClient(relay.port())) {
            late.send(new ReconnectSession(id, 0));
            assertEquals(new SessionRejected(id), late.next(SessionRejected.class));
        }
    }

    @Test
    void destinationPolicyAndRefusedPortsGiveConnectFailedWithErrno() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (RawClient c = new RawClient(relay.port())) {
            long id = CLIENT_IDS.incrementAndGet();
            c.send(new StartSession(id));
            c.next(SessionStarted.class);
            c.send(new NewConnection(0, 1, LOOPBACK, 7)); // --deny 127.0.0.1:1-10
            assertEquals(ConnectFailed.EACCES, c.next(ConnectFailed.class).errno());
            c.send(new NewConnection(1, 2, Ipv4Address.parse("169.254.169.254"), 80)); // built-in deny
            assertEquals(ConnectFailed.EACCES, c.next(ConnectFailed.class).errno());
            c.send(new NewConnection(2, 3, LOOPBACK, closedPort));
            assertEquals(ConnectFailed.ECONNREFUSED, c.next(ConnectFailed.class).errno());
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
            again.send(new ReconnectSession(id, 0xFFFF));
            assertEquals(new SessionRejected(id), again.next(SessionRejected.class), "the session has ended");
        }
    }
}
