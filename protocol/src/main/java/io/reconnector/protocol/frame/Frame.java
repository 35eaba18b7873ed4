package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * One message of the reconnector protocol: a code byte and its fixed fields (PROTOCOL.md §1).
 * Every frame is an immutable record that checks its fields when built, so a frame that
 * exists can always be encoded.
 */
public sealed interface Frame permits StartSession, ReconnectSession, SessionStarted,
        SessionRejected, SequencedFrame, Keepalive, Ack {

    /** The code byte. */
    int code();

    /** The whole encoded size, code byte included. */
    int encodedSize();

    /** Appends the encoded frame to {@code out}. */
    void writeTo(Buffer out);

    /** The frame as a fresh buffer. */
    default Buffer encode() {
        Buffer out = Buffer.buffer(encodedSize());
        writeTo(out);
        return out;
    }
}
