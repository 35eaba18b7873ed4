package io.reconnector.protocol.frame;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.vertx.core.buffer.Buffer;

import java.util.function.Consumer;

/**
 * Streaming decoder for one direction of a transport: feed it chunks as they arrive, in any
 * sizes, and it emits whole frames in order.
 *
 * <p>Framing (how many bytes make the next frame) is decided from the code byte and, for
 * Data, the length field; parsing then reads the fields of a complete frame. Only the bytes
 * of the frame not yet complete are kept between chunks, so the decoder holds at most one
 * frame (≤ 65,544 bytes) plus the chunk being fed. An unknown code byte is a protocol error;
 * after one, the decoder refuses further input (the transport is to be closed).
 */
public final class FrameDecoder {
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
                if (size < 0 || pos + size > end) {
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
        partial = pos == end ? null : in.getBuffer(pos, end);
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

    /**
     * The whole size of the frame starting at {@code pos}, or -1 while too few bytes are there
     * to tell.
     */
    static int frameSize(Buffer in, int pos, int end) throws ProtocolException {
        if (pos >= end) {
            return -1;
        }
        int code = in.getUnsignedByte(pos);
        int fixed = FrameCodes.fixedSize(code);
        if (fixed < 0) {
            throw new ProtocolException(ProtocolViolation.UNKNOWN_CODE, String.format("0x%02x", code));
        }
        if (code != FrameCodes.DATA) {
            return fixed;
        }
        if (end - pos < FrameCodes.DATA_HEADER_SIZE) {
            return -1;
        }
        return FrameCodes.DATA_HEADER_SIZE + in.getUnsignedShort(pos + 7);
    }

    /** Reads the fields of a complete frame of {@code size} bytes at {@code pos}. */
    static Frame parse(Buffer in, int pos, int size) {
        int code = in.getUnsignedByte(pos);
        int p = pos + 1;
        switch (code) {
            case FrameCodes.START_SESSION:
                return new StartSession(in.getUnsignedInt(p));
            case FrameCodes.RECONNECT_SESSION:
                return new ReconnectSession(in.getUnsignedInt(p), in.getUnsignedShort(p + 4));
            case FrameCodes.SESSION_STARTED:
                return new SessionStarted(in.getUnsignedInt(p), in.getUnsignedShort(p + 4));
            case FrameCodes.SESSION_REJECTED:
                return new SessionRejected(in.getUnsignedInt(p));
            case FrameCodes.NEW_CONNECTION:
                return new NewConnection(in.getUnsignedShort(p), in.getUnsignedShort(p + 2),
                        new Ipv4Address(in.getInt(p + 4)), in.getUnsignedShort(p + 8));
            case FrameCodes.CONNECTED:
                return new Connected(in.getUnsignedShort(p), in.getUnsignedShort(p + 2), in.getUnsignedShort(p + 4));
            case FrameCodes.CONNECT_FAILED:
                return new ConnectFailed(in.getUnsignedShort(p), in.getUnsignedShort(p + 2),
                        in.getUnsignedShort(p + 4));
            case FrameCodes.CONNECTION_EOF:
                return new ConnectionEof(in.getUnsignedShort(p), in.getUnsignedShort(p + 2));
            case FrameCodes.CONNECTION_CLOSED:
                return new ConnectionClosed(in.getUnsignedShort(p), in.getUnsignedShort(p + 2));
            case FrameCodes.ACK:
                return new Ack(in.getUnsignedShort(p), in.getUnsignedShort(p + 2));
            case FrameCodes.DATA: {
                int messageId = in.getUnsignedShort(p);
                int connectionId = in.getUnsignedShort(p + 2);
                int window = in.getUnsignedShort(p + 4);
                if (size == FrameCodes.DATA_HEADER_SIZE) {
                    return new Keepalive(messageId, connectionId, window);
                }
                // A copy: the chunk it came in belongs to the transport and is reused.
                return new Data(messageId, connectionId, window, in.getBuffer(pos + FrameCodes.DATA_HEADER_SIZE, pos + size));
            }
            default:
                throw new IllegalStateException("frameSize admitted code " + code);
        }
    }
}
