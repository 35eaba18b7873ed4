package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameType;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client sends reaches its destination from the relay's reads of the transport, not
 * from copies of them (the decoder lends payloads, {@code EffectApplier.deliver} writes them as
 * they are when that is cheap). The bytes still arrive exactly, every read goes back to the
 * pool, and a destination that stops reading makes the relay keep copies of what waits for it,
 * not the whole reads those payloads came in.
 */
class LentPayloadsTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final int WINDOW = 8 << 20;
    private static final int WINDOW_UNITS = 0xFFFF;
    private static final int PAYLOAD = 8 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final List<ServerSocket> destinations = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (ServerSocket d : destinations) {
            d.close();
        }
        vertx.close().await();
    }

    private Relay startRelay() {
        Relay relay = Relay.single(RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofSeconds(30), Duration.ofSeconds(2),
                Duration.ofSeconds(10), WINDOW, "lent-payloads"));
        vertx.deployVerticle(relay).await();
        return relay;
    }

    private long buffersHeld() {
        return PoolCounts.buffersHeld(vertx);
    }

    private long bytesHeld() {
        return PoolCounts.bytesHeld(vertx);
    }

    /** A destination that reads everything until the relay's FIN and hands it over. */
    private CompletableFuture<byte[]> readingDestination(ServerSocket server) {
        CompletableFuture<byte[]> got = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                got.complete(s.getInputStream().readAllBytes());
            } catch (IOException e) {
                got.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return got;
    }

    private ServerSocket listen(int receiveBuffer) throws IOException {
        ServerSocket s = new ServerSocket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // accepted sockets take it from here
        }
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        destinations.add(s);
        return s;
    }

    private static RawClient session(Relay relay, long clientId) throws Exception {
        RawClient c = new RawClient(relay.port());
        c.send(new StartSession(clientId));
        assertEquals(new SessionStarted(clientId, Serial16.NONE), c.next(SessionStarted.class));
        return c;
    }

    private static void open(RawClient c, int messageId, int connectionId, int port) throws Exception {
        c.send(new NewConnection(messageId, connectionId, LOOPBACK, port));
        Connected connected = c.next(Connected.class, k -> k.connectionId() == connectionId, 5000);
        c.send(new Ack(connected.messageId(), WINDOW_UNITS));
    }

    /**
     * Payloads of every size, cut wherever TCP cuts them (some whole in one read, some split
     * across reads), arrive byte for byte; afterwards the relay holds none of the reads.
     */
    @Test
    void everyPayloadArrivesExactlyAndNoReadStaysHeld() throws Exception {
        long before = buffersHeld();
        Relay relay = startRelay();
        ServerSocket server = listen(0);
        CompletableFuture<byte[]> received = readingDestination(server);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try (RawClient c = session(relay, 9301)) {
            open(c, 0, 1, server.getLocalPort());
            Random random = new Random(9301);
            int id = 1;
            List<Frame> batch = new ArrayList<>();
            while (sent.size() < WINDOW - 2 * FrameType.MAX_DATA_LENGTH) {
                int n = random.nextInt(4) == 0 ? 1 + random.nextInt(64) : 1 + random.nextInt(FrameType.MAX_DATA_LENGTH);
                byte[] payload = new byte[n];
                random.nextBytes(payload);
                sent.write(payload);
                batch.add(new Data(id++, 1, WINDOW_UNITS, Buffer.buffer(payload)));
                if (batch.size() == 1 + random.nextInt(8)) {
                    c.send(batch.toArray(Frame[]::new));
                    batch.clear();
                }
            }
            batch.add(new ConnectionEof(id, 1));
            c.send(batch.toArray(Frame[]::new));
            assertArrayEquals(sent.toByteArray(), received.get(20, TimeUnit.SECONDS), "the destination got every byte, in order");
        }
        await("every read the relay kept is back in the pool").atMost(Duration.ofSeconds(10))
                .until(() -> buffersHeld() <= before);
    }

    /**
     * One connection's destination reads nothing. Its payloads come in the same reads as
     * payloads the relay acks and drops (for a connection it does not know), seven times as
     * many: were the waiting payloads kept as views of those reads, the relay would hold about
     * eight times what waits. It holds copies: about what waits.
     */
    @Test
    void aDestinationThatDoesNotReadHoldsCopiesNotTheReadsTheyCameIn() throws Exception {
        Relay relay = startRelay();
        ServerSocket stalled = listen(4096);
        Socket[] accepted = new Socket[1];
        Thread acceptor = new Thread(() -> {
            try {
                accepted[0] = stalled.accept(); // and never read
            } catch (IOException ignored) {
                // closed by the test
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        int waiting = 6 << 20;
        try (RawClient c = session(relay, 9302)) {
            open(c, 0, 1, stalled.getLocalPort());
            long before = bytesHeld();
            Buffer payload = Buffer.buffer(new byte[PAYLOAD]);
            int id = 1;
            for (int sent = 0; sent < waiting; sent += PAYLOAD) {
                Frame[] read = new Frame[8];
                for (int i = 0; i < 7; i++) {
                    read[i] = new Data(id++, 99, WINDOW_UNITS, payload); // no such connection: acked, dropped
                }
                read[7] = new Data(id++, 1, WINDOW_UNITS, payload);
                c.send(read);
            }
            int last = id - 1;
            c.next(Ack.class, a -> a.messageId() == last, 20_000); // the relay has handled every frame
            long held = bytesHeld() - before;
            assertTrue(held > waiting / 8, "the destination's bytes wait in the relay: " + held);
            assertTrue(held < waiting, "the relay holds " + held + " bytes for " + waiting + " waiting");
        } finally {
            if (accepted[0] != null) {
                accepted[0].close();
            }
        }
    }
}
