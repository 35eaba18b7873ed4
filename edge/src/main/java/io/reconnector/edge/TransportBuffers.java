package io.reconnector.edge;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.reconnector.protocol.Payloads;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The pool of the sockets whose reads are kept rather than copied: transports
 * ({@link SocketPipe#lendReads}) and applications' and destinations' sockets
 * ({@link SocketPipe#handOverReads}), whose reads a session keeps until they are acked. Netty's
 * pooled allocator, direct memory: a read goes out again on the transport as it is, and a
 * frame batch of direct parts is written with one gathering write. (The adaptive allocator,
 * Netty 4.2's default, would first merge a composite write into a new heap buffer, and keeps a
 * whole chunk while any buffer cut from it is held.) Chunks of 1 MiB (not 4): an agent has one
 * transport, and a chunk's memory is zeroed, so resident, when taken.
 */
public final class TransportBuffers {
    static final PooledByteBufAllocator POOL = new PooledByteBufAllocator(true, 0,
            Math.max(1, Runtime.getRuntime().availableProcessors()), 8192, 7, 256, 64, false);

    private TransportBuffers() {
    }

    /** A copy of {@code b} in pooled direct memory of its size: the caller releases it ({@link Payloads}). */
    static Buffer copyOf(Buffer b) {
        return BufferInternal.buffer(POOL.directBuffer(b.length()).writeBytes(Payloads.byteBuf(b), 0, b.length()));
    }

    /**
     * Buffers taken from the pool and not given back. Each event loop caches some it was given
     * back, for reuse, and those count too: to count only what is held, run
     * {@link #trimThreadCache} on every loop first.
     */
    public static long buffersInUse() {
        long n = 0;
        for (PoolArenaMetric arena : POOL.metric().directArenas()) {
            n += arena.numActiveAllocations();
        }
        return n;
    }

    /**
     * The bytes of the pool's memory cut into buffers (to its 8 KiB pages; what loops cache for
     * reuse counts, as for {@link #buffersInUse}, and so do a few pages the pool keeps cut for
     * small buffers): a read kept alive counts whole, whatever part of it is still needed.
     */
    public static long bytesInUse() {
        long n = 0;
        for (PoolArenaMetric arena : POOL.metric().directArenas()) {
            for (PoolChunkListMetric list : arena.chunkLists()) {
                for (PoolChunkMetric chunk : list) {
                    n += chunk.chunkSize() - chunk.freeBytes();
                }
            }
        }
        return n;
    }

    /**
     * The direct memory the pool holds now: its chunks, whether cut into buffers in use, cached
     * by a loop for reuse, or free. What a session keeps of its reads is here, not on the heap.
     */
    public static long directMemory() {
        return POOL.metric().usedDirectMemory();
    }

    /** Gives what the calling thread caches back to the pool. */
    public static void trimThreadCache() {
        POOL.trimCurrentThreadCache();
    }
}
