package io.reconnector.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.WrappedByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.List;

/**
 * Ownership of application bytes that may sit in pooled memory. A socket's read is handed to
 * the engine as it is (a pooled, reference-counted buffer) instead of as a heap copy, and the
 * engine keeps it, or slices of it, until the peer acks them. Whoever holds such a buffer
 * releases it once when done; what is still needed after that (a payload being written while
 * the log releases it on an ack) holds a reference of its own ({@link #retain}).
 *
 * <p>Vert.x's own heap buffers ignore retain and release, so code that gets plain buffers
 * (tests, bytes made up in code) needs no care. Vert.x hands out a buffer's memory only as an
 * unreleasable view ({@code getByteBuf()}); {@link #byteBuf} looks through it to the buffer
 * the view was made of, whose reference count is the one that matters.
 */
public final class Payloads {
    private Payloads() {
    }

    /** The Netty buffer {@code b} is a view of (indices from 0, like the Vert.x buffer's). */
    public static ByteBuf byteBuf(Buffer b) {
        ByteBuf view = ((BufferInternal) b).getByteBuf();
        return view instanceof WrappedByteBuf ? view.unwrap() : view;
    }

    /** A buffer over the same memory as {@code b}, holding a reference of its own. */
    public static Buffer retain(Buffer b) {
        return BufferInternal.buffer(byteBuf(b).retainedSlice());
    }

    /** Bytes {@code from} to {@code to} of {@code b}, holding a reference of their own. */
    public static Buffer retainedSlice(Buffer b, int from, int to) {
        return BufferInternal.buffer(byteBuf(b).retainedSlice(from, to - from));
    }

    /**
     * The buffers in {@code parts} as one, without copying; it takes over their references
     * (releasing it releases them).
     */
    public static Buffer join(List<Buffer> parts) {
        CompositeByteBuf all = Unpooled.compositeBuffer(parts.size());
        for (Buffer part : parts) {
            all.addComponent(true, byteBuf(part));
        }
        return BufferInternal.buffer(all);
    }

    /**
     * A copy of {@code b} on the heap, owing nothing to the memory {@code b} is a view of.
     * Not {@code b.copy()}: for a view of pooled memory that takes pooled memory nobody releases.
     */
    public static Buffer heapCopy(Buffer b) {
        return Buffer.buffer(b.length()).appendBuffer(b);
    }

    /**
     * Whether keeping a reference to {@code b} (rather than a copy) costs little memory: its
     * bytes are at least an eighth of the memory the reference keeps alive (the whole reads it is
     * a slice of). A one-byte payload in a 64 KiB read is worth a copy.
     */
    public static boolean worthKeeping(Buffer b) {
        return (long) b.length() * KEEP_RATIO >= memoryBehind(byteBuf(b));
    }

    private static final int KEEP_RATIO = 8;

    /** The bytes a reference to {@code b} keeps alive: the buffers it is a view of, whole. */
    static long memoryBehind(ByteBuf b) {
        if (b instanceof CompositeByteBuf parts) {
            long n = 0;
            for (int i = 0; i < parts.numComponents(); i++) {
                n += memoryBehind(parts.internalComponent(i));
            }
            return n;
        }
        ByteBuf under = b.unwrap(); // a slice's or a view's buffer; null for one that owns its memory
        return under == null ? b.capacity() : memoryBehind(under);
    }

    /** Gives up this holder's reference to {@code b} (nothing for a Vert.x heap buffer). */
    public static void release(Buffer b) {
        byteBuf(b).release();
    }
}
