package io.reconnector.protocol.frame;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.vertx.core.buffer.Buffer;

import java.util.function.Consumer;

/**
 * Streaming decoder for one direction of a transport: feed it chunks as they arrive, in any
 * sizes, and it emits whole frames in order.
 *
 * <p>Framing (how many bytes make the next frame) is decided here from the code byte and, for
 * Data, the length field; {@link FrameParser} then reads the fields of a complete frame. Only
 * the bytes of the frame not yet complete are kept between chunks, so the decoder holds at
 * most one frame ({@link FrameType#MAX_FRAME_SIZE}) plus the chunk being fed. An unknown code
 * byte is a protocol error; after one, the decoder refuses further input (the transport is to
 * be closed).
 */
public final class FrameDecoder {
    /** Returned by {@link #frameSize} while too few bytes are there to tell. */
    private static final int NEED_MORE = -1;

    private Buffer partial;
    private boolean failed;

    /**
     * Decodes as many whole frames as {@code chunk} completes, handing each to {@code sink}.
     *
     * @throws ProtocolException on an unknown code; frames before it have been emitted
     */
    public void feed(Buffer chunk, Consumer<? super Frame> sink) throws ProtocolException {
        if (failed) {
            throw new IllegalStateException("decoder already failed; close the transport");
        }
        try {
            int pos = partial == null ? 0 : completeHeld(chunk, sink);
            int end = chunk.length();
            while (true) {
                int size = frameSize(chunk, pos, end);
                if (size == NEED_MORE || pos + size > end) {
                    break;
                }
                sink.accept(parse(chunk, pos, size, false));
                pos += size;
            }
            if (pos < end) {
                partial = holding(chunk, pos, end);
            }
        } catch (ProtocolException e) {
            failed = true;
            partial = null;
            throw e;
        }
    }

    /**
     * Adds to the held frame only what of {@code chunk} belongs to it, and emits it once whole:
     * the frames after it are then read from the chunk itself, not copied along with it.
     *
     * @return how many bytes of {@code chunk} went to the held frame
     */
    private int completeHeld(Buffer chunk, Consumer<? super Frame> sink) throws ProtocolException {
        int used = 0;
        while (true) {
            int size = frameSize(partial, 0, partial.length());
            if (size != NEED_MORE && partial.length() == size) {
                Buffer whole = partial;
                partial = null;
                sink.accept(parse(whole, 0, size, true)); // gathered here: nobody else has it
                return used;
            }
            if (used == chunk.length()) {
                return used;
            }
            int want = size == NEED_MORE ? headerSize(partial) : size;
            int take = Math.min(want - partial.length(), chunk.length() - used);
            partial.appendBuffer(chunk, used, take);
            used += take;
            if (size == NEED_MORE && partial.length() == want) {
                partial = sized(partial); // the header is in: now the frame's size is known
            }
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

    /** {@code held} moved to a buffer with room for its whole frame (a copy of a header, at most). */
    private static Buffer sized(Buffer held) throws ProtocolException {
        int size = frameSize(held, 0, held.length());
        if (size == NEED_MORE || size == held.length()) {
            return held;
        }
        Buffer b = Buffer.buffer(size);
        b.appendBuffer(held);
        return b;
    }

    /**
     * A buffer for the incomplete frame at {@code pos}, holding its bytes so far, with room for
     * the whole frame when its size is known, so the chunks that complete it are appended without
     * the buffer growing (each growth would copy everything gathered so far again).
     */
    private static Buffer holding(Buffer in, int pos, int end) throws ProtocolException {
        int have = end - pos;
        int size = frameSize(in, pos, end);
        Buffer b = Buffer.buffer(size == NEED_MORE ? FrameType.DATA.size() : size);
        b.appendBuffer(in, pos, have);
        return b;
    }

    /** Hands over (and forgets) the bytes held for a frame not yet complete. */
    public Buffer takeBuffered() {
        Buffer b = partial == null ? Buffer.buffer() : partial;
        partial = null;
        return b;
    }

    /** Bytes held for a frame not yet complete. */
    public int buffered() {
        return partial == null ? 0 : partial.length();
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
    private static Frame parse(Buffer in, int pos, int size, boolean ours) throws ProtocolException {
        try {
            return FrameParser.parse(in, pos, size, ours);
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
