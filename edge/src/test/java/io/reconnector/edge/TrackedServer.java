package io.reconnector.edge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A server on one event loop whose accepted socket becomes the pipe {@code adopt} makes of it
 * and reads into a {@link TrackingAllocator}, so a test can see which read buffers are held.
 */
final class TrackedServer {
    final TrackingAllocator allocator = new TrackingAllocator();
    final int port;
    private final CompletableFuture<SocketPipe> accepted = new CompletableFuture<>();

    TrackedServer(Vertx vertx, Context loop, Function<NetSocket, SocketPipe> adopt) throws Exception {
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        loop.runOnContext(v -> vertx.createNetServer().connectHandler(s -> {
            SocketPipe p = adopt.apply(s);
            // After the pipe is made: its read mode sets the pool; before the first read.
            ((NetSocketInternal) s).channelHandlerContext().channel().config().setAllocator(allocator);
            accepted.complete(p);
        }).listen(0, "127.0.0.1").onSuccess(server -> bound.complete(server.actualPort())));
        port = bound.get(5, TimeUnit.SECONDS);
    }

    SocketPipe accepted() throws Exception {
        return accepted.get(5, TimeUnit.SECONDS);
    }
}
