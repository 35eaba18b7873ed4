package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay keeps what destinations send, as the pooled buffers they were read into, until the
 * client acks it. Every such buffer goes back to the pool once nobody can need it: when acked,
 * and when the session ends with bytes still unacked.
 */
class HeldReadsTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final AtomicLong CLIENT_IDS = new AtomicLong(9100);
    /** What the destination sends: more than one window, so some waits pending too. */
    private static final int SENT = 3 << 20;
    /** The client's window, in 256-byte units: 1 MiB. */
    private static final int WINDOW_UNITS = 4096;

    private final Vertx vertx = Vertx.vertx();
    private ServerSocket destination;

    @AfterEach
    void stop() throws IOException {
        if (destination != null) {
            destination.close();
        }
        vertx.close().await();
    }

    private Relay startRelay() {
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0), List.of(AddressRule.parse("127.0.0.0/8")),
                List.of(), Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofSeconds(3), 64 * 1024, "held-reads");
        Relay relay = Relay.single(options);
        vertx.deployVerticle(relay).await();
        return relay;
    }

    /** A destination that sends {@link #SENT} bytes at once to whoever connects, then waits for their FIN. */
    private int startDestination() throws IOException {
        destination = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = destination.accept()) {
                OutputStream out = s.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < SENT; sent += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // until the relay closes it
                }
            } catch (IOException ignored) {
                // the relay reset it: the test looks at the relay, not here
            }
        });
        t.setDaemon(true);
        t.start();
        return destination.getLocalPort();
    }

    private long buffersHeld() {
        return PoolCounts.buffersHeld(vertx);
    }

    private RawClient connectToDestination(Relay relay, long clientId, int port) throws Exception {
        RawClient c = new RawClient(relay.port());
        c.send(new StartSession(clientId));
        assertEquals(new SessionStarted(clientId, Serial16.NONE), c.next(SessionStarted.class));
        c.send(new NewConnection(0, 1, LOOPBACK, port));
        Connected connected = c.next(Connected.class);
        c.send(new Ack(connected.messageId(), WINDOW_UNITS));
        return c;
    }

    @Test
    void readsHeldForAClientThatWentAwayAreReleasedWhenItsSessionExpires() throws Exception {
        long before = buffersHeld();
        Relay relay = startRelay();
        int port = startDestination();
        try (RawClient c = connectToDestination(relay, CLIENT_IDS.incrementAndGet(), port)) {
            c.next(Data.class); // the relay is sending: it holds a window's worth, unacked, and the rest pending
            await("the relay holds the destination's bytes").atMost(Duration.ofSeconds(10))
                    .until(() -> relay.metrics().replayBufferBytes() >= WINDOW_UNITS * 256L);
            assertTrue(buffersHeld() > before, "what the relay holds is in pooled buffers");
        } // gone without a word: the session waits detached, then expires
        await("the session expires").atMost(Duration.ofSeconds(10)).until(() -> relay.metrics().sessions() == 0);
        await("every buffer it held is back in the pool").atMost(Duration.ofSeconds(10))
                .until(() -> buffersHeld() <= before);
    }

    @Test
    void readsAckedByTheClientAreReleasedWhileTheSessionGoesOn() throws Exception {
        long before = buffersHeld();
        Relay relay = startRelay();
        int port = startDestination();
        try (RawClient c = connectToDestination(relay, CLIENT_IDS.incrementAndGet(), port)) {
            long got = 0;
            while (got < SENT) {
                Data d = c.next(Data.class);
                got += d.length();
                c.send(new Ack(d.messageId(), WINDOW_UNITS));
            }
            assertEquals(SENT, got);
            await("acked reads go back to the pool").atMost(Duration.ofSeconds(10))
                    .until(() -> buffersHeld() <= before);
            assertEquals(1, relay.metrics().sessions(), "the session is still there");
        }
    }
}
