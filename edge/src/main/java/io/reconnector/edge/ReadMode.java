package io.reconnector.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** How a {@link SocketPipe} gives what it reads to its listener. */
enum ReadMode {
    /** A heap copy the listener may keep (Vert.x's way). */
    COPY,
    /**
     * The buffer Netty read into, lent for the call and released when it returns: for a listener
     * that keeps nothing it is given (a transport's frame decoder copies what it keeps).
     */
    LEND,
    /**
     * The buffer Netty read into, the listener's to release: for an application's or a
     * destination's socket, whose reads the session keeps until the peer acks them, and which
     * go out on the transport as they are. See {@link #handOver}.
     */
    HAND_OVER;

    /** A handed-over read is kept as it is if it fills at least this much of its buffer. */
    static final double KEEP_FILLED = 7.0 / 8;

    /**
     * {@code read} as a buffer to give away: itself if it fills most of its buffer, else a copy
     * of its own size (the pool rounds it up to its next size class), so that small reads
     * waiting for an ack cannot each hold a large buffer: what is held stays within a quarter
     * more than the bytes a session's budget counts.
     */
    static Buffer handOver(ByteBuf read, ByteBufAllocator alloc) {
        int n = read.readableBytes();
        if (n >= read.capacity() * KEEP_FILLED) {
            return BufferInternal.buffer(read.slice()); // Vert.x reads by absolute index, from the slice's 0
        }
        ByteBuf copy = alloc.directBuffer(n, n);
        copy.writeBytes(read, read.readerIndex(), n);
        read.release();
        return BufferInternal.buffer(copy);
    }
}
