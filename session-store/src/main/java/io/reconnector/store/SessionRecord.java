package io.reconnector.store;

import io.reconnector.protocol.Serial16;

import java.util.List;

/**
 * What the cluster knows of one session.
 *
 * @param key                 the identity and client id that name the session
 * @param epoch               fencing token: bumped by every Start Session and every change of
 *                            home (handover, takeover); a node whose write finds a newer epoch
 *                            stops serving the session
 * @param homeNode            the node running the session engine and holding the upstream sockets
 * @param attached            whether a client transport is attached right now
 * @param changedAt           when {@code attached} last changed (epoch millis)
 * @param lastClientHandled   the last client message id the home handled
 * @param nextServerId        the id the home's next server message gets
 * @param connections         the connection table
 * @param unackedServerFrames encoded server→client sequenced frames not yet acked, in order;
 *                            may lag the wire by a bounded amount
 */
public record SessionRecord(SessionKey key, long epoch, String homeNode, boolean attached, long changedAt,
                            int lastClientHandled, int nextServerId, List<ConnectionRecord> connections,
                            List<byte[]> unackedServerFrames) {

    public SessionRecord {
        connections = List.copyOf(connections);
        unackedServerFrames = List.copyOf(unackedServerFrames);
    }

    public long clientId() {
        return key.clientId();
    }

    /** A session just started by Start Session on {@code node}. */
    public static SessionRecord started(SessionKey key, long epoch, String node, long now) {
        return new SessionRecord(key, epoch, node, true, now, Serial16.NONE, 0, List.of(), List.of());
    }

    public SessionRecord withAttached(boolean nowAttached, long now) {
        return new SessionRecord(key, epoch, homeNode, nowAttached, now, lastClientHandled, nextServerId,
                connections, unackedServerFrames);
    }

    public SessionRecord withProgress(int lastHandled, int nextId, List<ConnectionRecord> table, List<byte[]> unacked) {
        return new SessionRecord(key, epoch, homeNode, attached, changedAt, lastHandled, nextId, table, unacked);
    }

    public SessionRecord withEpoch(long newEpoch, String newHome) {
        return new SessionRecord(key, newEpoch, newHome, attached, changedAt, lastClientHandled, nextServerId,
                connections, unackedServerFrames);
    }
}
