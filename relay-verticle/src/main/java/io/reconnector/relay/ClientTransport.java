package io.reconnector.relay;

import io.reconnector.edge.Log;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.SessionRejected;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * One client connection: straight from a client on the client port, or forwarded by another
 * node on the peer port (then it starts with a {@link PeerPreamble}). Decodes frames, hands
 * the first one to the relay as a handshake and the rest to the session it was attached to;
 * or, when the session lives elsewhere, becomes a raw pipe to that home. Bad input closes
 * this transport and nothing else.
 */
final class ClientTransport implements SocketPipe.Listener {
    /** Frames a client may send between its handshake and the answer before we call it abuse. */
    private static final int MAX_EARLY_FRAMES = 256;

    private final Relay relay;
    private final SocketPipe pipe;
    private final FrameDecoder decoder = new FrameDecoder();
    private String peer;
    private RelaySession session;
    private Frame handshakeFrame;
    private List<Frame> early = new ArrayList<>();
    private boolean closed;
    private final long handshakeTimer;
    /** Bytes of a peer preamble not yet complete (peer port only); null once it is read. */
    private Buffer preamble;
    /** Set when this transport only pipes bytes to the session's home on another node. */
    private SocketPipe hop;

    ClientTransport(Relay relay, SocketPipe pipe, boolean fromPeer) {
        this.relay = relay;
        this.pipe = pipe;
        this.peer = String.valueOf(pipe.socket().remoteAddress());
        this.preamble = fromPeer ? Buffer.buffer() : null;
        pipe.listen(this);
        pipe.resume();
        handshakeTimer = relay.vertx().setTimer(relay.options().deadAfter().toMillis(), id -> {
            if (session == null && hop == null && !closed) {
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
        if (hop != null) {
            hop.write(data);
            if (hop.writeQueueFull()) {
                pipe.pause();
            }
            return;
        }
        if (preamble != null) {
            preamble.appendBuffer(data);
            PeerPreamble.Parsed parsed;
            try {
                parsed = PeerPreamble.parse(preamble, relay.options().clusterSecret(), relay.now());
            } catch (IllegalArgumentException e) {
                relay.metrics().protocolErrors.incrementAndGet();
                close("refused on the peer port: " + e.getMessage());
                return;
            }
            if (parsed.length() < 0) {
                return;
            }
            PeerPreamble.Peer p = parsed.peer();
            peer = new Ipv4Address(p.sourceIp()) + ":" + p.sourcePort() + " via " + peer;
            data = preamble.getBuffer(parsed.length(), preamble.length());
            preamble = null;
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
        if (handshakeFrame == null) {
            handshakeFrame = f;
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

    /**
     * The session lives on another node: send everything the client sent so far, behind a
     * preamble, to the home's peer port, and from now on pipe bytes both ways untouched.
     * The home treats it as one more client transport; the protocol's acks and replay cover
     * any loss on this hop.
     */
    void becomeHop(NetSocket socket, byte[] secret, long now) {
        relay.vertx().cancelTimer(handshakeTimer);
        hop = new SocketPipe(socket);
        SocketAddress remote = pipe.socket().remoteAddress();
        SocketAddress local = pipe.socket().localAddress();
        Buffer out = PeerPreamble.encode(secret, new PeerPreamble.Peer(ipv4(remote), remote.port(), ipv4(local),
                local.port()), now);
        handshakeFrame.writeTo(out);
        for (Frame f : early) {
            f.writeTo(out);
        }
        early = null;
        out.appendBuffer(decoder.takeBuffered());
        hop.listen(new SocketPipe.Listener() {
            @Override
            public void onData(Buffer data) {
                pipe.write(data);
                if (pipe.writeQueueFull()) {
                    hop.pause();
                }
            }

            @Override
            public void onEof() {
                close("the home closed the hop");
            }

            @Override
            public void onClosed(Throwable cause) {
                close("the hop to the home closed" + (cause == null ? "" : ": " + cause.getMessage()));
            }
        });
        hop.resume();
        hop.write(out);
        // Backpressure both ways: resume a reader once the other side's queue has drained.
        hop.socket().drainHandler(v -> pipe.resume());
        pipe.socket().drainHandler(v -> hop.resume());
    }

    private static int ipv4(SocketAddress a) {
        try {
            return Ipv4Address.parse(a.hostAddress()).bits();
        } catch (IllegalArgumentException e) {
            return 0; // not IPv4: the preamble carries zeros
        }
    }

    @Override
    public void onReadBatchEnd() {
        if (session != null && !closed) {
            session.readBatchEnded(this);
        }
    }

    @Override
    public void onEof() {
        if (hop != null) {
            hop.shutdownOutput(); // pass the client's clean close on to the home
            return;
        }
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
        if (hop != null) {
            hop.close();
            relay.hopEnded(this);
        }
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
        if (hop != null) {
            hop.close();
            relay.hopEnded(this);
        }
        pipe.close();
    }

    boolean closed() {
        return closed;
    }
}
