package io.reconnector.agent;

import io.reconnector.edge.EffectApplier;
import io.reconnector.edge.Event;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.engine.Effect;
import io.vertx.core.buffer.Buffer;

/** The agent's side of carrying out its session's effects: local sockets, the relay link, the log. */
final class AgentEffects implements EffectApplier.Side {
    private final Agent agent;

    AgentEffects(Agent agent) {
        this.agent = agent;
    }

    @Override
    public SocketPipe socket(int connectionId) {
        LocalConnection l = agent.local(connectionId);
        return l == null ? null : l.pipe;
    }

    @Override
    public SocketPipe forget(Effect.CloseConnection why) {
        LocalConnection l = agent.removeLocal(why.connectionId());
        if (!why.graceful()) {
            // Limited: a destination that resets every connection (a server shedding load)
            // would otherwise write a line per connection into the user's log.
            agent.log().infoLimited(Event.CONNECTION_ABORTED, "connection " + why.connectionId() + " aborted: "
                    + why.reason().description(), "connection_id", why.connectionId(), "reason", why.reason().name());
        }
        if (l == null) {
            return null;
        }
        l.closedByRelay();
        return l.pipe;
    }

    @Override
    public void writeFrames(Buffer frames) {
        agent.link().write(frames);
    }

    @Override
    public void sequencedFrameSent(io.reconnector.protocol.frame.SequencedFrame frame) {
        agent.status().sent(frame.messageId(), System.nanoTime()); // nothing to replicate on this side
    }

    @Override
    public void connectResult(Effect.ConnectResult e) {
        LocalConnection l = agent.local(e.connectionId());
        if (!e.connected()) {
            agent.removeLocal(e.connectionId());
        }
        if (l != null) {
            l.connectResult(e.errno());
        }
    }

    @Override
    public void established(Effect.Established e) {
        long lostAt = agent.link().established();
        agent.metrics().attached(true);
        agent.status().connected(e.resumed(), lostAt < 0 ? -1 : (System.nanoTime() - lostAt) / 1_000_000, e.retransmitted());
        if (!e.resumed()) {
            agent.metrics().newSession();
            agent.log().info(Event.NEW_SESSION, "connected: new session " + agent.engine().clientId() + " on relay "
                    + agent.options().relay(), "client_id", agent.engine().clientId());
        } else {
            String took = lostAt < 0 ? "" : String.format(", %.1f ms after the link was lost", (System.nanoTime() - lostAt) / 1e6);
            agent.metrics().resumed();
            agent.log().info(Event.RESUMED, "resumed: " + e.retransmitted() + " messages replayed, "
                    + agent.localCount() + " connections kept" + took, "replayed", e.retransmitted(),
                    "took_ms", lostAt < 0 ? -1 : (System.nanoTime() - lostAt) / 1_000_000);
        }
    }

    @Override
    public void rejected(Effect.Rejected e) {
        long id = agent.engine().clientId();
        String why = switch (e.why()) {
            case REJECTED_BY_RELAY -> "rejected: the relay no longer knows session " + id;
            case NOT_OURS -> "the relay's session " + id + " is not ours (it acknowledges messages we never sent)";
        };
        agent.metrics().rejected();
        agent.log().info(Event.REJECTED, why + "; starting a new session (connections that could not be resumed "
                + "were reset)", "client_id", id, "why", e.why().name());
        agent.link().lost("session over");
    }

    @Override
    public void transportDead(Effect.TransportDead e) {
        agent.link().lost("nothing heard from the relay for " + e.silentMillis() + " ms");
    }

    @Override
    public void protocolError(Effect.ProtocolError e) {
        agent.link().lost("protocol error: " + e.error().getMessage());
    }

    @Override
    public void openUpstream(Effect.OpenUpstream e) {
        throw new IllegalStateException("a client engine emitted the server-only effect " + e);
    }

    @Override
    public void abandonDial(Effect.AbandonDial e) {
        throw new IllegalStateException("a client engine emitted the server-only effect " + e);
    }

    @Override
    public void extensionsSettled(Effect.ExtensionsSettled e) {
        agent.extensionsSettled(e.offered());
    }

    @Override
    public void delivered(int connectionId, int bytes) {
        agent.metrics().down(bytes);
        LocalConnection l = agent.local(connectionId);
        if (l != null) {
            l.bytesDown += bytes;
        }
    }
}
