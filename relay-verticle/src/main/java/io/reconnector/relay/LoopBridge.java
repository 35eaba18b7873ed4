package io.reconnector.relay;

import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.store.SessionKey;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A client transport accepted by one shard for a session another shard serves. The transport
 * stays on the loop that accepted it (a Vert.x socket belongs to its loop) and keeps decoding
 * frames there; the session stays on its own. The bridge carries what each side says to the
 * other across the two loops, in order: frames in batches of one read, the session's writes
 * and closes the other way. Each half runs only on its own loop.
 */
final class LoopBridge implements AttachedSession, SessionTransport {
    private final ClientTransport client;
    private final Relay clientShard;
    private final Relay homeShard;
    /** The session, once it took this bridge; touched on the home's loop only. */
    private AttachedSession session;
    /** Frames of the current read, gathered on the client's loop. */
    private List<Frame> inbound = new ArrayList<>();
    /** Either side closed: the session stops writing, the client stops sending. */
    private volatile boolean closed;

    LoopBridge(ClientTransport client, Relay clientShard, Relay homeShard) {
        this.client = client;
        this.clientShard = clientShard;
        this.homeShard = homeShard;
    }

    /**
     * Offers the transport to the session {@code key} on the home shard; {@code elsewhere} runs
     * on the client's loop if that shard no longer serves it (ended or let go meanwhile).
     */
    void attach(SessionKey key, ResumeHandshake h, Runnable elsewhere) {
        homeShard.onLoop(() -> {
            RelaySession s = homeShard.session(key);
            if (s != null && s.serving()) {
                s.attach(this, h);
            } else {
                clientShard.onLoop(elsewhere);
            }
        });
    }

    // ------------------------------------------------------------------ the client's loop

    @Override
    public void receive(SessionTransport t, Frame f) {
        inbound.add(f.kept()); // handled on the other loop, after the read it came in is released
    }

    @Override
    public void readBatchEnded(SessionTransport t) {
        if (inbound.isEmpty()) {
            return;
        }
        List<Frame> batch = inbound;
        inbound = new ArrayList<>();
        homeShard.onLoop(() -> {
            for (Frame f : batch) {
                session.receive(this, f);
            }
            session.readBatchEnded(this);
        });
    }

    @Override
    public void congested(SessionTransport t, boolean congested) {
        homeShard.onLoop(() -> session.congested(this, congested));
    }

    @Override
    public void transportGone(SessionTransport t, boolean cleanFinish) {
        closed = true;
        List<Frame> last = inbound;
        inbound = List.of();
        homeShard.onLoop(() -> {
            // Frames read before a FIN count: a clean close follows the client's last words.
            for (Frame f : last) {
                session.receive(this, f);
            }
            session.transportGone(this, cleanFinish);
        });
    }

    /** The client's transport was revoked: its session ends, on the loop that serves it. */
    void endSession(RelaySession.EndReason why) {
        homeShard.onLoop(() -> {
            if (session instanceof RelaySession s) {
                s.end(why);
            }
        });
    }

    // ------------------------------------------------------------------ the session's loop

    @Override
    public void attached(AttachedSession s) {
        session = s;
        clientShard.onLoop(() -> client.attached(this));
    }

    @Override
    public void write(Buffer frames) {
        if (!closed) {
            clientShard.onLoop(() -> client.write(frames));
        } else {
            Payloads.release(frames);
        }
    }

    @Override
    public void close(TransportClose why, String detail) {
        if (goneHere()) {
            clientShard.onLoop(() -> client.close(why, detail));
        }
    }

    @Override
    public void reject(long clientId) {
        closed = true;
        clientShard.onLoop(() -> client.reject(clientId));
    }

    @Override
    public void protocolError(ProtocolException e) {
        if (goneHere()) {
            clientShard.onLoop(() -> client.protocolError(e));
        }
    }

    @Override
    public boolean closed() {
        return closed;
    }

    /**
     * The session closes this transport: it hears at once that the transport is gone, as it
     * would from a transport on its own loop (the client's side reports it later, ignored then).
     */
    private boolean goneHere() {
        if (closed) {
            return false;
        }
        closed = true;
        if (session != null) {
            session.transportGone(this, false);
        }
        return true;
    }
}
