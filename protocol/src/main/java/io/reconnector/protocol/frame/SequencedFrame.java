package io.reconnector.protocol.frame;

/**
 * A frame that consumes an id of its sender's sequence, is acked by the receiver and is
 * retransmitted after a resume until it is ("must be acked" in the seed).
 */
public sealed interface SequencedFrame extends Frame
        permits NewConnection, Connected, ConnectFailed, ConnectionEof, ConnectionClosed, Data {

    int messageId();

    int connectionId();
}
