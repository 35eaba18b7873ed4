package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * One message of the reconnector protocol: a code byte and its fixed fields (PROTOCOL.md §1).
 * Every frame is an immutable record that checks its fields when built, so a frame that
 * exists can always be encoded.
 */
public sealed interface Frame permits StartSession, ReconnectSession, SessionStarted,
        SessionRejected, SequencedFrame, Keepalive, Ack {

    FrameType type();

    /** The code byte. */
    default int code() {
        return type().code();
    }

    /** The whole encoded size, code byte included. */
    default int encodedSize() {
        return type().size();
    }

    /** Appends the encoded frame to {@code out}. */
    void writeTo(Buffer out);

    /**
     * This frame, valid after the call that lent it returns ({@link FrameDecoder}): a Data frame
     * with a copy of its payload, any other frame as it is (its fields are values).
     */
    default Frame kept() {
        return this;
    }

    /** The frame as a fresh buffer. */
    default Buffer encode() {
        Buffer out = Buffer.buffer(encodedSize());
        writeTo(out);
        return out;
    }

    /** Appends the code byte of {@code type}; every record's encoding starts with it. */
    static Buffer header(Buffer out, FrameType type) {
        return out.appendUnsignedByte((short) type.code());
    }
}
