package io.reconnector.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
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
import io.reconnector.store.InMemorySessionStore;
import io.reconnector.store.SessionKey;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hop mode over real sockets: two relay nodes in one process share a session store and a
 * directory (as a Hazelcast cluster would let them), and a client whose session has an open
 * connection on node A comes back through node B, which pipes its transport to A's peer port.
 */
@ExtendWith(VertxExtension.class)
class HopTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static Relay home;
    private static Relay other;
    private static Upstream upstream;


    @BeforeAll
    static void start(Vertx vertx, VertxTestContext ctx) throws Exception {
        upstream = new Upstream();
        InMemorySessionStore store = new InMemorySessionStore();
        Directory.Local directory = new Directory.Local();
        home = new Relay(InProcessNodes.node("A"), store, directory);
        other = new Relay(InProcessNodes.node("B"), store, directory);
        vertx.deployVerticle(home).compose(x -> vertx.deployVerticle(other)).onComplete(ctx.succeedingThenComplete());
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
    }

    @Test
    void aClientComingBackThroughAnotherNodeIsPipedToItsSessionsHome() throws Exception {
        long id = 4242;
        RawClient first = new RawClient(home.port());
        first.send(new StartSession(id));
        assertEquals(new SessionStarted(id, Serial16.NONE), first.next(SessionStarted.class));
        first.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
        Connected connected = first.next(Connected.class);
        first.send(new Ack(connected.messageId(), 256), new Data(1, 1, 256, Buffer.buffer("one")));
        assertEquals(Buffer.buffer("one"), first.next(Data.class).payload());
        first.socket.setSoLinger(true, 0);
        first.close(); // a reset: the session only detaches, its connection stays open on A

        try (RawClient again = new RawClient(other.port())) {
            again.send(new ReconnectSession(id, 1)); // we handled Connected (0) and the echo (1)
            assertEquals(new SessionStarted(id, 1), again.next(SessionStarted.class), "A answered, through B");
            assertEquals(1, other.metrics().hops(), "B forwarded the transport");
            assertEquals(0, other.metrics().takeovers(), "and did not take the busy session over");
            again.send(new Data(2, 1, 256, Buffer.buffer("two")));
            assertEquals(Buffer.buffer("two"), again.next(Data.class).payload(), "the connection on A still works");

            // Ending cleanly through the hop: close the connection, then FIN. A sees the FIN and ends the session.
            again.send(new ConnectionClosed(3, 1));
            again.next(Ack.class, a -> a.messageId() == 3, 5000);
            again.socket.shutdownOutput();
            assertTrue(again.closedByRelay(5000), "the hop closed once A ended the session");
        }
        try (RawClient late = new RawClient(home.port())) {
            late.send(new ReconnectSession(id, 3));
            assertEquals(new SessionRejected(id), late.next(SessionRejected.class), "the session ended on A");
        }
    }

    /**
     * A link that breaks between the client and the forwarding node is not the client ending its
     * session: the home must not hear it as the client's FIN, which, once no connection is open,
     * would end the session there (and the client, back a moment later, would be refused).
     */
    @Test
    void aLinkBrokenAtTheForwardingNodeOnlyDetachesTheSession() throws Exception {
        long id = 4646;
        SessionKey key = SessionKey.anonymous(id);
        try (RawClient first = new RawClient(home.port())) {
            first.send(new StartSession(id));
            assertEquals(new SessionStarted(id, Serial16.NONE), first.next(SessionStarted.class));
            first.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
            first.next(Connected.class);
            first.socket.setSoLinger(true, 0); // a reset: the session only detaches on A
        }
        await("A saw the reset").atMost(Duration.ofSeconds(5)).until(() -> detachedOrGone(key));
        long hops = other.metrics().hops();
        try (RawClient again = new RawClient(other.port())) {
            again.send(new ReconnectSession(id, 0)); // we handled Connected (0)
            assertEquals(new SessionStarted(id, 0), again.next(SessionStarted.class), "A answered, through B");
            assertEquals(hops + 1, other.metrics().hops(), "B forwarded the transport of the busy session");
            again.send(new ConnectionClosed(1, 1)); // the application is done: no connection is open now
            again.next(Ack.class, a -> a.messageId() == 1, 5000);
            again.socket.setSoLinger(true, 0); // then the link breaks between the client and B
        }
        await("A saw the hop end").atMost(Duration.ofSeconds(5)).until(() -> detachedOrGone(key));
        try (RawClient back = new RawClient(home.port())) {
            back.send(new ReconnectSession(id, 0));
            assertEquals(new SessionStarted(id, 1), back.next(io.reconnector.protocol.frame.Frame.class),
                    "the session outlived the broken link, as it does without a forwarding node");
        }
    }

    /** Has A's session for {@code key} no transport (or no session at all)? Asked on A's loop. */
    private static boolean detachedOrGone(SessionKey key) throws Exception {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        home.onLoop(() -> {
            RelaySession s = home.session(key);
            answer.complete(s == null || s.transport() == null);
        });
        return answer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void thePeerPortRefusesAHeaderMadeWithAnotherSecret() throws Exception {
        long forged = home.metrics().rejections(RelayMetrics.Rejection.FORGED_HOP);
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(PeerPreamble.encode("not the cluster's secret".getBytes(),
                new PeerPreamble.Peer("127.0.0.1", 5555, "127.0.0.1", home.port(), ""), System.currentTimeMillis()));
        ByteBuf header = encoder.readOutbound();
        byte[] bytes = new byte[header.readableBytes()];
        header.readBytes(bytes);
        header.release();
        try (RawClient forger = new RawClient(home.peerPort())) {
            forger.sendBytes(bytes);
            forger.send(new ReconnectSession(4343, Serial16.NONE));
            assertTrue(forger.closedWithoutAFrame(5000), "A closed the forged hop, unanswered");
        }
        assertEquals(forged + 1, home.metrics().rejections(RelayMetrics.Rejection.FORGED_HOP), "and counted it");
    }

    private static byte[] headerBytes(byte[] key, PeerPreamble.Peer peer) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(PeerPreamble.encode(key, peer, System.currentTimeMillis()));
        ByteBuf header = encoder.readOutbound();
        byte[] bytes = new byte[header.readableBytes()];
        header.readBytes(bytes);
        header.release();
        return bytes;
    }

    @Test
    void thePeerPortRefusesAGenuineHeaderPlayedAgain() throws Exception {
        byte[] header = headerBytes(InProcessNodes.CLUSTER.keys().key(io.reconnector.store.ClusterKeys.Purpose.HOP_PREAMBLE),
                new PeerPreamble.Peer("127.0.0.1", 5555, "127.0.0.1", home.port(), ""));
        try (RawClient genuine = new RawClient(home.peerPort())) {
            genuine.sendBytes(header);
            genuine.send(new ReconnectSession(4545, Serial16.NONE));
            assertEquals(new SessionRejected(4545), genuine.next(SessionRejected.class), "accepted, and answered");
        }
        try (RawClient replay = new RawClient(home.peerPort())) {
            replay.sendBytes(header);
            replay.send(new ReconnectSession(4545, Serial16.NONE));
            assertTrue(replay.closedWithoutAFrame(5000), "the same header a second time is refused, unanswered");
        }
    }

    @Test
    void thePeerPortRefusesBytesWithoutAHeader() throws Exception {
        try (RawClient stranger = new RawClient(home.peerPort())) {
            stranger.send(new StartSession(4444));
            assertTrue(stranger.closedByRelay(5000), "no PROXY header, no session");
        }
    }
}
