package io.reconnector.relay;

import io.reconnector.edge.Log;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.SessionRejected;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * One client connection to the relay's client port: decodes frames, hands the first one to
 * the relay as a handshake, and the rest to the session it was attached to. Bad input closes
 * this transport and nothing else.
 */
final class ClientTransport implements SocketPipe.Listener {
    /** Frames a client may send between its handshake and the answer before we call it abuse. */
    private static final int MAX_EARLY_FRAMES = 256;

    private final Relay relay;
    private final SocketPipe pipe;
    private final FrameDecoder decoder = new FrameDecoder();
    private final String peer;
    private RelaySession session;
    private boolean handshakeSeen;
    private List<Frame> early = new ArrayList<>();
    private boolean closed;
    private final long handshakeTimer;

    ClientTransport(Relay relay, SocketPipe pipe) {
        this.relay = relay;
        this.pipe = pipe;
        this.peer = String.valueOf(pipe.socket().remoteAddress());
        pipe.listen(this);
        pipe.resume();
        handshakeTimer = relay.vertx().setTimer(relay.options().deadAfter().toMillis(), id -> {
            if (session == null && !closed) {
                close("no session handshake within " + relay.options().deadAfter().toMillis() + " ms");
            }
        });
    }

    private String who() {
        return "relay " + relay.options().nodeName() + " transport " + peer;
    }

    @Override
    public void onData(Buffer data) {
        if (closed) {
            return;
        }
        try {
            decoder.feed(data, this::onFrame);
        } catch (ProtocolException e) {
            protocolError(e);
        }
    }

    private void onFrame(Frame f) {
        if (closed) {
            return;
        }
        if (!handshakeSeen) {
            handshakeSeen = true;
            try {
                relay.handshake(this, ResumeHandshake.of(f));
            } catch (ProtocolException e) {
                protocolError(e);
            }
            return;
        }
        if (session == null) {
            early.add(f);
            if (early.size() > MAX_EARLY_FRAMES) {
                close("too many frames before the handshake was answered");
            }
            return;
        }
        session.receive(this, f);
    }

    private void protocolError(ProtocolException e) {
        relay.metrics().protocolErrors.incrementAndGet();
        close("protocol error: " + e.getMessage());
    }

    /** The relay chose the session for this transport (and has already answered the handshake). */
    void attached(RelaySession s) {
        relay.vertx().cancelTimer(handshakeTimer);
        session = s;
        List<Frame> queued = early;
        early = null;
        for (Frame f : queued) {
            if (closed) {
                return;
            }
            s.receive(this, f);
        }
        s.readBatchEnded(this);
    }

    @Override
    public void onReadBatchEnd() {
        if (session != null && !closed) {
            session.readBatchEnded(this);
        }
    }

    @Override
    public void onEof() {
        // The client closed its side cleanly (FIN).
        if (session != null) {
            session.transportGone(this, true);
        }
        closed = true;
        pipe.close();
    }

    @Override
    public void onClosed(Throwable cause) {
        boolean wasClosed = closed;
        closed = true;
        relay.vertx().cancelTimer(handshakeTimer);
        if (session != null) {
            session.transportGone(this, false);
        }
        if (!wasClosed && cause != null) {
            Log.debug(who(), "lost: " + cause.getMessage());
        }
    }

    void write(Buffer frames) {
        if (!closed) {
            pipe.write(frames);
        }
    }

    void reject(long clientId) {
        relay.metrics().sessionsRejected.incrementAndGet();
        Log.info(who(), "session " + clientId + " rejected: unknown, expired or not this client's");
        write(new SessionRejected(clientId).encode());
        closed = true;
        pipe.close();
    }

    void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        Log.info(who(), "closing transport: " + why);
        if (session != null) {
            session.transportGone(this, false);
        }
        pipe.close();
    }

    boolean closed() {
        return closed;
    }
}
