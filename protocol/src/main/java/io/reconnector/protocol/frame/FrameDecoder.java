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
        Buffer in;
        if (partial == null) {
            in = chunk;
        } else {
            partial.appendBuffer(chunk);
            in = partial;
        }
        int pos = 0;
        int end = in.length();
        try {
            while (true) {
                int size = frameSize(in, pos, end);
                if (size == NEED_MORE || pos + size > end) {
                    break;
                }
                sink.accept(parse(in, pos, size));
                pos += size;
            }
        } catch (ProtocolException e) {
            failed = true;
            partial = null;
            throw e;
        }
        partial = pos == end ? null : in.slice(pos, end).copy(); // one copy (getBuffer makes two)
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
