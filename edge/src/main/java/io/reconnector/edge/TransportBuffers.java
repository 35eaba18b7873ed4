package io.reconnector.edge;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Buffers of transports ({@link SocketPipe#lendReads}): Netty's pooled allocator. A frame batch is a
 * composite of heap parts (headers, payloads), which a NIO socket copies into a direct
 * buffer before writing; the adaptive allocator (Netty 4.2's default) first merges the
 * parts into a new, zeroed heap buffer, the pooled one copies them part by part: a copy and
 * an allocation of every byte sent fewer (a fifth to a quarter of an agent's CPU in an
 * upload; one connection's throughput up about a quarter). Chunks of 1 MiB (not 4): an
 * agent has one transport, and a chunk's memory is zeroed, so resident, when taken.
 */
final class TransportBuffers {
    static final ByteBufAllocator POOL = new PooledByteBufAllocator(true, 0,
            Math.max(1, Runtime.getRuntime().availableProcessors()), 8192, 7, 256, 64, false);

    private TransportBuffers() {
    }
}
