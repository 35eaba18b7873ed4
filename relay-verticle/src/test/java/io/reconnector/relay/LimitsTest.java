package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each limit against a relay over real sockets: what is over the limit gets the documented
 * answer, is counted, and another client is served at once. Clients come from addresses of
 * their own in 127.0.0.0/8, as different machines would.
 */
@ExtendWith(VertxExtension.class)
class LimitsTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final AtomicLong IDS = new AtomicLong(5000);
    private static Relay tight;
    private static Relay rated;
    private static Relay few;
    private static Upstream upstream;
    private static final List<RawClient> open = new ArrayList<>();

    private static RelayOptions relay(String name, Limits limits) {
        return RelayOptions.singleNode(new HostPort("127.0.0.1", 0), List.of(AddressRule.parse("127.0.0.0/8")),
                List.of(), Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(30), 64 * 1024, name)
                .withLimits(limits);
    }

    @BeforeAll
    static void start(Vertx vertx, VertxTestContext ctx) throws Exception {
        upstream = new Upstream();
        Limits base = Limits.defaults();
        tight = Relay.single(relay("tight", new Limits(4, 2, 2, 1000, 3, base.sessionBufferBytes(),
                base.connectionBufferBytes())));
        rated = Relay.single(relay("rated", new Limits(100, 100, 100, 5, 100, base.sessionBufferBytes(),
                base.connectionBufferBytes())));
        few = Relay.single(relay("few", new Limits(100, 100, 2, 1000, 100, base.sessionBufferBytes(),
                base.connectionBufferBytes())));
        vertx.deployVerticle(tight).compose(x -> vertx.deployVerticle(rated)).compose(x -> vertx.deployVerticle(few))
                .onComplete(ctx.succeedingThenComplete());
    }

    @AfterAll
    static void stop() throws Exception {
        for (RawClient c : open) {
            c.close();
        }
        upstream.close();
    }

    private static RawClient started(Relay relay, String from) throws Exception {
        RawClient c = RawClient.from(from, relay.port());
        open.add(c);
        long id = IDS.incrementAndGet();
        c.send(new StartSession(id));
        assertEquals(new SessionStarted(id, Serial16.NONE), c.next(SessionStarted.class));
        return c;
    }

    private static boolean startRefused(Relay relay, String from) throws Exception {
        try (RawClient c = RawClient.from(from, relay.port())) {
            c.send(new StartSession(IDS.incrementAndGet()));
            return c.closedWithoutAFrame(5000);
        }
    }

    /** A new client from a fresh address gets its session at once, while others are being refused. */
    private static void anotherClientIsServedQuickly(Relay relay, String from) throws Exception {
        long t0 = System.nanoTime();
        RawClient c = started(relay, from);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 100, "served in " + ms + " ms");
        c.close();
    }

    @Test
    void sessionsOverTheirLimitsAreRefusedAndCounted() throws Exception {
        started(tight, "127.0.2.1");
        started(tight, "127.0.2.1");
        assertTrue(startRefused(tight, "127.0.2.1"), "a third session from one address (no certificates) is refused");
        assertEquals(1, tight.metrics().refusedBy(Limits.Limit.SESSIONS_PER_IDENTITY));
        started(tight, "127.0.2.2");
        started(tight, "127.0.2.2");
        assertTrue(startRefused(tight, "127.0.2.3"), "a fifth session on the node is refused");
        assertEquals(1, tight.metrics().refusedBy(Limits.Limit.SESSIONS));
        anotherClientIsServedQuickly(rated, "127.0.2.4");
    }

    @Test
    void connectionsOverTheLimitGetConnectFailedEmfile() throws Exception {
        try (RawClient c = RawClient.from("127.0.3.1", rated.port())) {
            long id = IDS.incrementAndGet();
            c.send(new StartSession(id));
            c.next(SessionStarted.class);
            for (int i = 0; i < 5; i++) {
                c.send(new NewConnection(i, i + 1, LOOPBACK, upstream.port()));
                Connected ok = c.next(Connected.class);
                c.send(new Ack(ok.messageId(), 16));
            }
            c.send(new NewConnection(5, 6, LOOPBACK, upstream.port()));
            assertEquals(ConnectFailed.EMFILE, c.next(ConnectFailed.class).errno(), "the sixth within a second");
            assertEquals(1, rated.metrics().refusedBy(Limits.Limit.CONNECTION_RATE));
        }
        RawClient fewClient = started(few, "127.0.3.2");
        fewClient.send(new NewConnection(0, 1, LOOPBACK, upstream.port()), new NewConnection(1, 2, LOOPBACK, upstream.port()),
                new NewConnection(2, 3, LOOPBACK, upstream.port()));
        assertEquals(3, fewClient.next(ConnectFailed.class).connectionId(), "the third connection of the session");
        assertEquals(1, few.metrics().refusedBy(Limits.Limit.CONNECTIONS));
    }

    @Test
    void closedConnectionsFreeTheirPlaceUnderTheLimit() throws Exception {
        long refusedBefore = few.metrics().refusedBy(Limits.Limit.CONNECTIONS);
        RawClient c = started(few, "127.0.3.3");
        int messageId = 0;
        for (int conn = 1; conn <= 6; conn++) { // three times the limit of two, one after another
            c.send(new NewConnection(messageId++, conn, LOOPBACK, upstream.port()));
            Connected ok = c.next(Connected.class);
            assertEquals(conn, ok.connectionId(), "connection " + conn + " is served");
            c.send(new Ack(ok.messageId(), 16), new ConnectionClosed(messageId++, conn));
        }
        assertEquals(refusedBefore, few.metrics().refusedBy(Limits.Limit.CONNECTIONS));
    }

    @Test
    void halfOpenTransportsFromOneAddressAreCapped() throws Exception {
        List<RawClient> silent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            silent.add(RawClient.from("127.0.4.1", tight.port())); // connected, no handshake sent
        }
        // A fourth can only be refused once the relay has counted the three: ask until it is.
        boolean refused = false;
        for (int attempt = 0; attempt < 50 && !refused; attempt++) {
            try (RawClient fourth = RawClient.from("127.0.4.1", tight.port())) {
                refused = fourth.closedWithoutAFrame(200);
            }
        }
        assertTrue(refused, "a fourth half-open transport from 127.0.4.1 is closed at once");
        assertTrue(tight.metrics().refusedBy(Limits.Limit.HANDSHAKES) >= 1);
        for (RawClient c : silent) {
            c.close();
        }
        anotherClientIsServedQuickly(rated, "127.0.4.2");
    }
}
