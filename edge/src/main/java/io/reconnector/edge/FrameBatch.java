package io.reconnector.edge;

import io.netty.buffer.CompositeByteBuf;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The frames of one engine run, gathered for one write to the transport. Small frames are
 * copied together into one buffer; a large Data payload is not copied at all: it goes out as a
 * part of its own, after its header, in a composite buffer that the socket writes with one
 * gathering write (and TLS encrypts straight from). Copying payloads into one buffer was the
 * largest cost on the sending side (the buffer growing as they came copied them again).
 */
final class FrameBatch {
    /** Payloads at least this long are added as they are; shorter ones cost less to copy. */
    static final int COPY_BELOW = 1024;
    private static final int SMALL_BUFFER = 256;
    /** Large payloads in one batch before the composite consolidates (more are rare: a window's worth). */
    private static final int MAX_PARTS = 1024;

    /** Whole parts so far, in order; null while everything is in {@link #small}. */
    private CompositeByteBuf parts;
    /** Where small frames and headers are being copied; null when nothing is pending there. */
    private Buffer small;

    void add(Frame frame) {
        if (frame instanceof Data d && d.length() >= COPY_BELOW) {
            d.writeHeaderTo(small());
            closeSmall();
            // A reference of its own: the log may release the payload (an ack through a newer
            // transport) while this write still waits in an older one's queue.
            parts.addComponent(true, Payloads.byteBuf(d.payload()).retainedSlice());
        } else {
            frame.writeTo(small());
        }
    }

    boolean isEmpty() {
        return parts == null && small == null;
    }

    /**
     * Everything added since the last take, as one buffer (null when nothing was added). It
     * holds references to the payloads in it: whoever takes it releases it ({@link Payloads})
     * once it is written or dropped.
     */
    Buffer take() {
        if (parts == null) {
            Buffer b = small;
            small = null;
            return b;
        }
        closeSmall();
        CompositeByteBuf all = parts;
        parts = null;
        return BufferInternal.buffer(all);
    }

    private Buffer small() {
        if (small == null) {
            // Direct, like the payloads: a composite of direct parts only is written as it is
            // (one gathering write, or straight into TLS); one heap part, and the socket copies
            // the whole batch into a direct buffer first.
            small = BufferInternal.buffer(TransportBuffers.POOL.directBuffer(SMALL_BUFFER));
        }
        return small;
    }

    /** Moves what is in the small buffer into the parts. */
    private void closeSmall() {
        if (parts == null) {
            parts = TransportBuffers.POOL.compositeDirectBuffer(MAX_PARTS);
        }
        if (small != null) {
            parts.addComponent(true, Payloads.byteBuf(small)); // its reference moves to the parts
            small = null;
        }
    }
}
