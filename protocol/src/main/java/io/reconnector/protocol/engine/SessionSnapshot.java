package io.reconnector.protocol.engine;

import io.reconnector.protocol.frame.SequencedFrame;

import java.util.List;

/**
 * What a relay node records of a server engine so that another node can take the session
 * over: the client's progress, our sequence, our unacked frames, and the connections.
 *
 * @param lastClientHandled the last client message id handled
 * @param nextServerId      the id the next server message gets
 * @param unacked           server frames sent and not yet acked, oldest first
 * @param connectionIds     connections open (or being dialled) on the recording node
 */
public record SessionSnapshot(int lastClientHandled, int nextServerId, List<SequencedFrame> unacked,
                              List<Integer> connectionIds) {
    public SessionSnapshot {
        unacked = List.copyOf(unacked);
        connectionIds = List.copyOf(connectionIds);
    }
}
