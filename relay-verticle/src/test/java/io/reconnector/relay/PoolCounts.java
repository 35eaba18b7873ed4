package io.reconnector.relay;

import io.netty.util.concurrent.EventExecutor;
import io.reconnector.edge.TransportBuffers;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

/**
 * What the transport pool holds for a relay in this JVM, with every event loop's cache given
 * back first (each loop keeps some released buffers for reuse), so only held ones count.
 */
final class PoolCounts {
    private PoolCounts() {
    }

    /** Buffers taken from the pool and not given back. */
    static long buffersHeld(Vertx vertx) {
        trimCaches(vertx);
        return TransportBuffers.buffersInUse();
    }

    /** The pool's memory in buffers in use, to its pages. */
    static long bytesHeld(Vertx vertx) {
        trimCaches(vertx);
        return TransportBuffers.bytesInUse();
    }

    private static void trimCaches(Vertx vertx) {
        for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
            loop.submit(TransportBuffers::trimThreadCache).syncUninterruptibly();
        }
        TransportBuffers.trimThreadCache();
    }
}
