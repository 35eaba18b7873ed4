package io.reconnector.protocol.engine;

import io.reconnector.protocol.frame.Frame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the parts of one engine share: the connection table, our sequence, where the
 * transport is, and the effects produced by the input being handled.
 */
final class SessionState {
    final long clientId;
    final EngineConfig config;
    final Map<Integer, Connection> connections = new HashMap<>();
    final OutboundLog log = new OutboundLog();
    SessionEngine.Link link = SessionEngine.Link.DETACHED;
    /** A frame went out since the last tick (the keepalive timer restarts). */
    boolean sentSinceTick;
    /** The transport's write queue is full: frame nothing more, read nothing more, until it drains. */
    boolean congested;
    private List<Effect> effects = new ArrayList<>();
    /** A frame went out since the last drain: an owed Ack rides along with it. */
    private boolean sentSinceDrain;
    /** Sends the Ack owed, if one is (the receiver's); set once by the engine. */
    Runnable owedAck = () -> { };

    SessionState(long clientId, EngineConfig config) {
        this.clientId = clientId;
        this.config = config;
    }

    boolean attached() {
        return link == SessionEngine.Link.ATTACHED;
    }

    /** Is {@code c} still the connection its id names (not closed and replaced)? */
    boolean current(Connection c) {
        return c != null && connections.get(c.id) == c;
    }

    /** The window to grant on {@code c} now (PROTOCOL.md §5). */
    int grant(Connection c) {
        return c.grantWindow(config.receiveWindowBytes());
    }

    void emit(Effect e) {
        effects.add(e);
    }

    void send(Frame f) {
        effects.add(new Effect.Send(f));
        sentSinceTick = true;
        sentSinceDrain = true;
    }

    /**
     * The effects produced since the last drain, in order. When they send anything, an Ack
     * still owed goes with them, in the same write: an edge holds a coalesced Ack back a
     * little after a read, and the answer to what it read usually follows sooner (a request's
     * response, a NewConnection's Connected), so the peer wakes once for both.
     */
    List<Effect> drain() {
        if (sentSinceDrain) {
            owedAck.run();
            sentSinceDrain = false;
        }
        if (effects.isEmpty()) {
            return List.of();
        }
        List<Effect> out = effects;
        effects = new ArrayList<>();
        return out;
    }
}
