package io.reconnector.edge;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A read passed on to another socket (a hop) goes back to its pool however its write ends,
 * including the way Vert.x ends it without releasing it: still queued when its socket closes.
 */
class PassedReadTest {
    /** Far more than loopback's kernel buffers take, so most of it stays queued in the sink's channel. */
    private static final int FILL = 32 << 20;
    private final Vertx vertx = Vertx.vertx(VertxSetup.options());

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aPassedReadStillQueuedWhenItsSocketClosesGoesBackToThePool() throws Exception {
        // Both servers made on one context: their sockets share its loop, as a hop's two do.
        io.vertx.core.Context loop = vertx.getOrCreateContext();
        CompletableFuture<int[]> ports = new CompletableFuture<>();
        CompletableFuture<Integer> referencesLeft = new CompletableFuture<>();
        loop.runOnContext(x -> listen(referencesLeft).onComplete(ar -> {
            if (ar.succeeded()) {
                ports.complete(ar.result());
            } else {
                ports.completeExceptionally(ar.cause());
            }
        }));
        int sinkPort = ports.get(5, TimeUnit.SECONDS)[0];
        int sourcePort = ports.get()[1];
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), sinkPort)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !sinks.isEmpty());
            try (Socket sender = new Socket(InetAddress.getLoopbackAddress(), sourcePort)) {
                OutputStream out = sender.getOutputStream();
                out.write("one read, passed on".getBytes());
                out.flush();
                assertEquals(0, referencesLeft.get(5, TimeUnit.SECONDS),
                        "the read buffer was released when its write was dropped with the socket");
            }
        }
    }

    private final BlockingQueue<SocketPipe> sinks = new ArrayBlockingQueue<>(1);

    /**
     * A sink whose peer never reads, and a source whose one read is passed to the sink, which
     * is then reset; {@code referencesLeft} gets the read buffer's count once that write ended.
     */
    private io.vertx.core.Future<int[]> listen(CompletableFuture<Integer> referencesLeft) {
        return vertx.createNetServer().connectHandler(s -> {
            SocketPipe sink = new SocketPipe(s).watchCongestion(64 * 1024, congested -> {
            });
            // Its peer never reads: this fills the kernel's buffers and the channel's, past its
            // limit, so the next write waits in Vert.x's own queue.
            sink.write(Buffer.buffer(new byte[FILL]));
            sinks.add(sink);
        }).listen(0, "127.0.0.1").compose(sinkServer -> vertx.createNetServer().connectHandler(s -> {
            SocketPipe sink = sinks.poll();
            SocketPipe source = new SocketPipe(s).lendReads();
            source.listen(new PipeListener() {
                @Override
                public void onData(Buffer data) {
                    ByteBuf read = root(((BufferInternal) data).getByteBuf());
                    source.passLentReadTo(sink).onComplete(ar -> referencesLeft.complete(read.refCnt()));
                    vertx.getOrCreateContext().runOnContext(v -> sink.reset()); // once this call has returned its loan
                }

                @Override
                public void onEof() {
                }

                @Override
                public void onClosed(Throwable cause) {
                }
            });
            source.resume();
        }).listen(0, "127.0.0.1").map(sourceServer -> new int[] {sinkServer.actualPort(), sourceServer.actualPort()}));
    }

    /** The buffer under Vert.x's and Netty's wrappers and slices: the read buffer itself. */
    private static ByteBuf root(ByteBuf b) {
        while (b.unwrap() != null) {
            b = b.unwrap();
        }
        return b;
    }
}
