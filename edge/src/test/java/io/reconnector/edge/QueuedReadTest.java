package io.reconnector.edge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads Vert.x queued behind a pause go back to their pool when we close the socket: Vert.x
 * itself neither hands them over nor releases them once the socket is closed.
 */
class QueuedReadTest {
    private final Vertx vertx = Vertx.vertx(VertxSetup.options());
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(10);

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aReadQueuedBehindThePauseIsReleasedWhenWeCloseTheSocket() throws Exception {
        Context loop = vertx.getOrCreateContext();
        // Never resumed: what arrives waits behind the pause.
        TrackedServer server = new TrackedServer(vertx, loop,
                s -> new SocketPipe(s).lendReads().listen(new RecordingListener(events)));

        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port)) {
            SocketPipe p = server.accepted();
            OutputStream out = client.getOutputStream();
            out.write(new byte[1000]);
            out.flush();
            await("the bytes wait, read, behind the pause").atMost(Duration.ofSeconds(5))
                    .until(() -> server.allocator.made.stream().anyMatch(b -> b.refCnt() > 0 && b.readableBytes() > 0));
            loop.runOnContext(v -> p.close());
            assertEquals("closed", events.poll(5, TimeUnit.SECONDS), "closed, and nothing handed over first");
            assertEquals(List.of(), server.allocator.held(), "every read buffer released");
        }
    }
}
