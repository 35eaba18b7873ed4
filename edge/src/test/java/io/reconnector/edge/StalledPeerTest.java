package io.reconnector.edge;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A peer that stopped reading (a dead link, a hostile client) cannot keep a socket we end
 * open: neither a reset nor a bounded close waits behind writes it will never take.
 */
class StalledPeerTest {
    /** Far more than loopback's kernel buffers take: most of it stays queued in the channel. */
    private static final int FILL = 32 << 20;
    private final Vertx vertx = Vertx.vertx(VertxSetup.options());
    private final BlockingQueue<SocketPipe> accepted = new ArrayBlockingQueue<>(1);
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(10);
    private int port;

    @BeforeEach
    void start() {
        NetServer server = vertx.createNetServer().connectHandler(s -> {
            SocketPipe p = new SocketPipe(s).watchCongestion(64 * 1024, congested -> {
            });
            p.listen(new RecordingListener(events));
            p.write(Buffer.buffer(new byte[FILL]));
            p.write(Buffer.buffer("queued behind it"));
            accepted.add(p);
        });
        port = server.listen(0, "127.0.0.1").await().actualPort();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private SocketPipe accept() throws InterruptedException {
        SocketPipe p = accepted.poll(5, TimeUnit.SECONDS);
        assertEquals(false, p == null, "accepted");
        return p;
    }

    @Test
    void aResetClosesAtOnce() throws Exception {
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SocketPipe p = accept();
            vertx.runOnContext(v -> p.reset());
            assertEquals("closed", events.poll(5, TimeUnit.SECONDS), "closed, the peer still not reading");
        }
    }

    @Test
    void aCloseWithinALimitResetsOnceTheLimitHasPassed() throws Exception {
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SocketPipe p = accept();
            vertx.runOnContext(v -> p.closeWithin(300));
            assertNull(events.poll(100, TimeUnit.MILLISECONDS), "a close still waits for the peer a while");
            assertEquals("closed", events.poll(5, TimeUnit.SECONDS), "then it gives up: a reset");
        }
    }
}
