package io.reconnector.edge;

import io.reconnector.protocol.Payloads;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A paused socket reads ahead at most a read's worth: what its peer sends after that waits in
 * the kernel, not in memory of ours (Vert.x alone would read on, up to a MiB). A relay pauses
 * every connection of a session at its budget, so this is what keeps the budget a bound.
 */
class PausedReadsTest {
    private final Vertx vertx = Vertx.vertx(VertxSetup.options());
    private final AtomicLong handedOver = new AtomicLong();

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aPausedSocketReadsAheadOneReadsWorthAndTheRestWaitsInTheKernel() throws Exception {
        Context loop = vertx.getOrCreateContext();
        TrackedServer server = new TrackedServer(vertx, loop, s -> new SocketPipe(s).handOverReads().limitReadAhead()
                .listen(new PipeListener() {
                    @Override
                    public void onData(Buffer data) {
                        handedOver.addAndGet(data.length());
                        Payloads.release(data);
                    }

                    @Override
                    public void onEof() {
                    }

                    @Override
                    public void onClosed(Throwable cause) {
                    }
                })); // and never resumed until the test says so

        try (SocketChannel peer = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port))) {
            SocketPipe p = server.accepted();
            peer.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long[] written = {0, -1};
            // Until the kernel's buffers are full both ways: two writes in a row that take nothing.
            await("the peer can send no more").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        long before = written[0];
                        int n;
                        do {
                            chunk.clear();
                            n = peer.write(chunk);
                            written[0] += n;
                        } while (n > 0);
                        boolean stalled = written[0] == before && before == written[1];
                        written[1] = before;
                        return stalled;
                    });
            long held = server.allocator.heldBytes();
            assertTrue(written[0] > 1 << 20, "the peer sent " + written[0] + " bytes: more than Vert.x alone would read ahead");
            assertTrue(held <= PausedReads.READ_AHEAD + 64 * 1024,
                    "a paused socket holds " + held + " bytes of reads; one read past the read-ahead at most");
            assertEquals(0, handedOver.get(), "paused: nothing handed over");

            loop.runOnContext(v -> p.resume());
            peer.shutdownOutput();
            await("everything the peer sent arrives once reading is on again").atMost(Duration.ofSeconds(10))
                    .until(() -> handedOver.get() == written[0]);
        }
    }
}
