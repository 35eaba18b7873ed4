package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.edge.VertxSetup;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay with nothing to do burns no CPU, whatever state a client leaves its connections in.
 * On the transport the relay ships with ({@link VertxSetup}), not Vert.x's default.
 *
 * <p>Both cases fail on Netty 4.2.9's epoll transport (1,000 ms of loop CPU in the 1,000 ms
 * window: a loop spinning on a socket left with nothing to wait for) and pass on the JDK's NIO
 * transport, which is why the relay ships on NIO ({@link VertxSetup}).
 */
class IdleLoopTest {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    /** A spinning loop takes a whole core: the window's length in CPU time, not a fraction of it. */
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final long MOST_CPU_NANOS = WINDOW.toNanos() / 4;

    private Vertx vertx;
    private Relay relay;
    private Upstream upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = new Upstream();
        vertx = Vertx.vertx(VertxSetup.options());
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofMillis(800),
                Duration.ofMillis(200), Duration.ofSeconds(30), 64 * 1024, "idle-loop");
        relay = Relay.single(options);
        vertx.deployVerticle(relay).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        upstream.close();
    }

    /**
     * Both ends of a connection have sent their EOF; the relay waits for the client's
     * Connection Closed. A client that never sends it (gone, or hostile) must not keep a relay
     * loop busy meanwhile: on Netty's epoll transport the finished socket stayed in the epoll
     * set with no interest left, and level-triggered epoll woke the loop for its hang-up on
     * every wait, a core for as long as the client liked.
     */
    @Test
    void aFinishedConnectionAwaitingTheClientsCloseKeepsNoLoopBusy() throws Exception {
        try (RawClient c = connectedClient(256)) {
            AtomicBoolean ended = upstream.connection(0);

            c.send(new ConnectionEof(1, 1)); // the relay sends its FIN; the echo ends and sends its own
            await("the destination got our EOF and ended").atMost(5, TimeUnit.SECONDS).untilTrue(ended);
            assertEquals(1, c.next(ConnectionEof.class).connectionId(), "the relay read the destination's EOF");
            // ... and the client says nothing more: no Ack, no Connection Closed.

            assertLoopsIdle();
        }
    }

    /**
     * The same with the destination's answer still unread: the client granted 256 bytes of a
     * 32 KiB echo and went silent, so the relay's socket to the destination is paused while the
     * destination, done, hangs up behind the data it sent.
     */
    @Test
    void aPausedDownloadWhoseDestinationHungUpKeepsNoLoopBusy() throws Exception {
        try (RawClient c = connectedClient(1)) {
            AtomicBoolean ended = upstream.connection(0);

            c.send(new Data(1, 1, 1, Buffer.buffer(new byte[32 * 1024])), new ConnectionEof(2, 1));
            await("the destination echoed it all, got our EOF and ended").atMost(5, TimeUnit.SECONDS).untilTrue(ended);
            assertEquals(256, c.next(Data.class).length(), "the relay sent what the window allows and paused");

            assertLoopsIdle();
        }
    }

    /** A session with connection 1 open to the echo upstream; the client grants {@code window} × 256 bytes. */
    private RawClient connectedClient(int window) throws Exception {
        RawClient c = new RawClient(relay.port());
        c.send(new StartSession(7));
        assertEquals(new SessionStarted(7, Serial16.NONE), c.next(SessionStarted.class));
        c.send(new NewConnection(0, 1, LOOPBACK, upstream.port()));
        Connected connected = c.next(Connected.class);
        c.send(new Ack(connected.messageId(), window));
        return c;
    }

    /** The process's Vert.x event loops use at most a quarter of a core over {@link #WINDOW}. */
    private static void assertLoopsIdle() throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = eventLoopCpu(threads);
        // A measurement window, not a wait for an event: nothing is expected to happen in it.
        Thread.sleep(WINDOW.toMillis());
        long cpu = eventLoopCpu(threads) - before;
        assertTrue(cpu < MOST_CPU_NANOS, "the relay's event loops used " + cpu / 1_000_000
                + " ms of CPU in " + WINDOW.toMillis() + " ms with nothing to do");
    }

    private static long eventLoopCpu(ThreadMXBean threads) {
        long sum = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("vert.x-eventloop-thread")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }
}
