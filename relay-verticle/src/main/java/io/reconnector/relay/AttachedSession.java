package io.reconnector.relay;

import io.reconnector.protocol.frame.Frame;

/**
 * What a client transport feeds once its handshake chose a session: the {@link RelaySession}
 * itself when it lives on the transport's event loop, or a {@link LoopBridge} to it when
 * another shard serves it. Every call comes from the transport's event loop; {@code t} says
 * which transport, so a session ignores one it has already replaced.
 */
interface AttachedSession {
    void receive(SessionTransport t, Frame f);

    /** The transport's write queue filled up or drained. */
    void congested(SessionTransport t, boolean congested);

    /** The end of one read from the socket: where coalesced acks go out. */
    void readBatchEnded(SessionTransport t);

    /** The transport closed or failed; {@code cleanFinish} for the client's FIN. */
    void transportGone(SessionTransport t, boolean cleanFinish);
}
