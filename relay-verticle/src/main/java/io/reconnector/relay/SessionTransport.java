package io.reconnector.relay;

import io.reconnector.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;

/**
 * A client transport as its session sees it: a {@link ClientTransport} on the session's own
 * event loop, or a {@link LoopBridge} to one that another shard accepted. Every call comes
 * from the session's event loop.
 */
interface SessionTransport {
    /** The session took this transport; frames that came early go to it now. */
    void attached(AttachedSession session);

    /**
     * Frames for the client, in the order the engine made them. Taken over: released
     * ({@link io.reconnector.protocol.Payloads}) once written or dropped.
     */
    void write(Buffer frames);

    void close(TransportClose why, String detail);

    /** Answers the handshake with Session Rejected and closes. */
    void reject(long clientId);

    /** The client broke the protocol (found by the engine): counted, logged, closed. */
    void protocolError(ProtocolException e);

    boolean closed();
}
