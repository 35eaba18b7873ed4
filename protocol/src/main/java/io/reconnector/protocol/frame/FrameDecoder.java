package io.reconnector.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.function.Consumer;

/**
 * Streaming decoder for one direction of a transport: feed it chunks as they arrive, in any
 * sizes, and it emits whole frames in order.
 *
 * <p>Framing (how many bytes make the next frame) is decided here from the code byte and, for
 * Data, the length field; {@link FrameParser} then reads the fields of a complete frame. Nothing
 * is copied: a Data payload is a view of the chunk it came in, or, for a frame split across
 * chunks, of the pieces of them the decoder kept (references to them, not copies). A frame is
 * therefore <em>lent</em> to the sink: valid during the call, and whoever keeps it past the call
 * takes a reference of its own ({@link io.reconnector.protocol.Payloads#retain}) or
 * {@link Frame#kept a copy}. Between chunks only the pieces of the one frame not yet complete
 * are held; a frame that comes in more than {@link #MAX_HELD_PIECES} pieces (a peer dribbling
 * bytes) is copied into one buffer instead, so held pieces never pin more than that many
 * reads. An unknown code byte is a protocol error; after one, the decoder refuses further input
 * (the transport is to be closed). The owner calls {@link #discard} when its transport ends.
 */
public final class FrameDecoder {
    /** Pieces a held frame is kept in before they are copied together. */
    static final int MAX_HELD_PIECES = 16;
    /** Returned by {@link #frameSize} while too few bytes are there to tell. */
    private static final int NEED_MORE = -1;

    /**
     * The first bytes of the frame not yet complete, null when none: references to its pieces
     * (a composite), or a copy of them once it came in too many.
     */
    private ByteBuf held;
    private boolean failed;

    /**
     * Decodes as many whole frames as {@code chunk} completes, handing each to {@code sink}, which
     * may use the frame only during the call (see the class comment).
     *
     * @throws ProtocolException on an unknown code; frames before it have been emitted
     */
    public void feed(Buffer chunk, Consumer<? super Frame> sink) throws ProtocolException {
        if (failed) {
            throw new IllegalStateException("decoder already failed; close the transport");
        }
        try {
            int pos = held == null ? 0 : completeHeld(chunk, sink);
            int end = chunk.length();
            while (true) {
                int size = frameSize(chunk, pos, end);
                if (size == NEED_MORE || pos + size > end) {
                    break;
                }
                sink.accept(parse(chunk, pos, size));
                pos += size;
            }
            if (pos < end) {
                hold(chunk, pos, end - pos);
            }
        } catch (ProtocolException e) {
            failed = true;
            discard();
            throw e;
        }
    }

    /**
     * Adds to the held frame only what of {@code chunk} belongs to it, and emits it once whole:
     * the frames after it are then read from the chunk itself.
     *
     * @return how many bytes of {@code chunk} went to the held frame
     */
    private int completeHeld(Buffer chunk, Consumer<? super Frame> sink) throws ProtocolException {
        int used = 0;
        while (true) {
            Buffer view = BufferInternal.buffer(held); // Vert.x reads it by absolute index from 0
            int have = view.length();
            int size = frameSize(view, 0, have);
            if (size != NEED_MORE && have == size) {
                ByteBuf pieces = held;
                held = null;
                try {
                    sink.accept(parse(view, 0, size));
                } finally {
                    pieces.release(); // a sink that kept the payload took a reference of its own
                }
                return used;
            }
            if (used == chunk.length()) {
                return used;
            }
            int want = size == NEED_MORE ? headerSize(view) : size;
            int take = Math.min(want - have, chunk.length() - used);
            hold(chunk, used, take);
            used += take;
        }
    }

    /**
     * Keeps {@code length} bytes of {@code chunk} from {@code from} as the held frame's next
     * piece: a reference to them while the frame has come in few pieces, a copy after that.
     */
    private void hold(Buffer chunk, int from, int length) {
        ByteBuf in = Payloads.byteBuf(chunk);
        if (held == null) {
            held = in.alloc().compositeBuffer(MAX_HELD_PIECES); // pooled when the chunks are
        } else if (held instanceof CompositeByteBuf pieces && pieces.numComponents() == MAX_HELD_PIECES) {
            // A dribbling peer: the pieces so far into one buffer that grows as bytes come
            // (doubling: each byte is copied a bounded number of times), then copies of the rest.
            ByteBuf one = pieces.alloc().buffer(Math.min(2 * pieces.readableBytes(), FrameType.MAX_FRAME_SIZE),
                    FrameType.MAX_FRAME_SIZE);
            one.writeBytes(pieces);
            pieces.release();
            held = one;
        }
        if (held instanceof CompositeByteBuf pieces) {
            pieces.addComponent(true, in.retainedSlice(from, length));
        } else {
            held.writeBytes(in, from, length);
        }
    }

    /**
     * The bytes that tell the size of the frame whose first bytes {@code held} holds (for Data
     * and a named New Connection, the header holds the length). Its code was checked when
     * {@link #frameSize} first looked at it.
     */
    private static int headerSize(Buffer held) {
        return FrameType.ofCode(held.getUnsignedByte(0)).size();
    }

    /**
     * Hands over the bytes held for a frame not yet complete (a buffer holding references to
     * them: the caller releases it with {@link io.reconnector.protocol.Payloads#release}).
     */
    public Buffer takeBuffered() {
        Buffer b = held == null ? Buffer.buffer() : BufferInternal.buffer(held);
        held = null;
        return b;
    }

    /** Bytes held for a frame not yet complete. */
    public int buffered() {
        return held == null ? 0 : held.readableBytes();
    }

    /** Gives back what is held for a frame not yet complete: the transport has ended. */
    public void discard() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    /** A named New Connection: its header, then as many name bytes as its length byte says. */
    private static int nameFrameSize(Buffer in, int pos, int end) {
        FrameType type = FrameType.NEW_CONNECTION_NAME;
        if (end - pos < type.size()) {
            return NEED_MORE;
        }
        return type.size() + in.getUnsignedByte(pos + FrameType.NAME_LENGTH_OFFSET);
    }

    /**
     * The complete frame at {@code pos}. Records check their fields; the only field a peer can
     * get wrong within a well-sized frame is an extension's host name, which is then a protocol
     * error (the transport closes), not an exception for whoever feeds the decoder.
     */
    private static Frame parse(Buffer in, int pos, int size) throws ProtocolException {
        try {
            return FrameParser.parse(in, pos, size);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ProtocolViolation.MALFORMED, e.getMessage());
        }
    }

    /** The whole size of the frame starting at {@code pos}, or {@link #NEED_MORE}. */
    static int frameSize(Buffer in, int pos, int end) throws ProtocolException {
        if (pos >= end) {
            return NEED_MORE;
        }
        int code = in.getUnsignedByte(pos);
        FrameType type = FrameType.ofCode(code);
        if (type == null) {
            throw new ProtocolException(ProtocolViolation.UNKNOWN_CODE, String.format("0x%02x", code));
        }
        if (type == FrameType.NEW_CONNECTION_NAME) {
            return nameFrameSize(in, pos, end);
        }
        if (type != FrameType.DATA) {
            return type.size();
        }
        if (end - pos < FrameType.DATA.size()) {
            return NEED_MORE;
        }
        return FrameType.DATA.size() + in.getUnsignedShort(pos + FrameType.DATA_LENGTH_OFFSET);
    }
}
