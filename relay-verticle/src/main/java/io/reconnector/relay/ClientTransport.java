package io.reconnector.relay;

import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.ReferenceCountUtil;
import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import io.reconnector.edge.PipeListener;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.store.ClusterKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * One client connection: straight from a client on the client port, or forwarded by another
 * node on the peer port (then it starts with a {@link PeerPreamble}). Decodes frames, hands
 * the first one to the relay as a handshake and the rest to the session it was attached to;
 * or, when the session lives elsewhere, becomes a {@link HopPipe} to that home. Bad input
 * closes this transport and nothing else.
 */
final class ClientTransport implements PipeListener, SessionTransport {
    /** Frames a client may send between its handshake and the answer before we call it abuse. */
    private static final int MAX_EARLY_FRAMES = 256;
    private static final String PROXY_DECODER = "proxy-protocol-decoder";

    private final Relay relay;
    private final SocketPipe pipe;
    private final FrameDecoder decoder = new FrameDecoder();
    private final long handshakeTimer;
    private String peer;
    private EventLog log;
    private boolean awaitingPreamble;
    /** Who the client is: from its certificate, or, on a hop, from the forwarding node's proof. */
    private ClientIdentity identity;
    /** The client's address: this socket's peer, or, on a hop, the one the forwarding node saw. */
    private String sourceAddress;
    /** The session the handshake chose: on this event loop, or a bridge to another shard's. */
    private AttachedSession session;
    private Frame handshakeFrame;
    private List<Frame> early = new ArrayList<>();
    private boolean closed;
    private HopPipe hop;
    /** The source address counted as handshaking (client port), until the handshake is over; else null. */
    private String handshakingFrom;
    /** How much a client transport's write queue may hold before the session stops framing. */
    static final int WRITE_QUEUE_BYTES = 1 << 20;

    /**
     * @param identity the client's identity, from its certificate; null on the peer port, where
     *                 a forwarding node's PROXY protocol header names it
     */
    ClientTransport(Relay relay, SocketPipe pipe, ClientIdentity identity) {
        this.relay = relay;
        this.pipe = pipe;
        this.identity = identity;
        this.peer = String.valueOf(pipe.socket().remoteAddress());
        this.sourceAddress = pipe.socket().remoteAddress().hostAddress();
        this.log = logFor(peer, identity);
        if (identity == null) {
            awaitingPreamble = true;
            pipe.addCodec(PROXY_DECODER, new HAProxyMessageDecoder());
        } else {
            relay.transportOpened(this);
            handshakingFrom = pipe.socket().remoteAddress().hostAddress();
            relay.clientPort().handshakeStarted(handshakingFrom);
        }
        pipe.watchCongestion(WRITE_QUEUE_BYTES, congested -> {
            if (session != null && !closed) {
                session.congested(this, congested);
            }
        });
        // Reads are lent to the decoder, and its frames to the session (FrameDecoder): a payload
        // is written on as it came unless kept. A hop writes each read on as it is (HopPipe).
        pipe.lendReads().listen(this);
        pipe.resume();
        long deadline = relay.options().deadAfter().toMillis();
        handshakeTimer = relay.vertx().setTimer(deadline, id -> {
            if (session == null && hop == null && !closed) {
                close(TransportClose.HANDSHAKE_TIMEOUT, deadline + " ms");
            }
        });
    }

    private EventLog logFor(String peer, ClientIdentity id) {
        return id == null ? relay.log().with("transport " + peer, "peer", peer)
                : relay.log().with("transport " + peer, "peer", peer, "identity", id.forLogs());
    }

    ClientIdentity identity() {
        return identity;
    }

    AttachedSession session() {
        return session;
    }

    String sourceAddress() {
        return sourceAddress;
    }

    @Override
    public void onMessage(Object message) {
        if (!(message instanceof HAProxyMessage header) || !awaitingPreamble) {
            ReferenceCountUtil.release(message);
            close(TransportClose.PEER_REFUSED, "unexpected " + message.getClass().getSimpleName());
            return;
        }
        awaitingPreamble = false;
        try {
            PeerPreamble.Peer p = PeerPreamble.verify(header, relay.keys().key(ClusterKeys.Purpose.HOP_PREAMBLE),
                    relay.now(), relay.replays());
            peer = p + " via " + peer;
            sourceAddress = p.sourceAddress();
            identity = p.identity().isEmpty() ? ClientIdentity.ANONYMOUS : new ClientIdentity(p.identity(), null);
            log = logFor(peer, identity);
            relay.transportOpened(this);
        } catch (PeerPreamble.Refused e) {
            relay.metrics().rejected(RelayMetrics.Rejection.FORGED_HOP);
            log.infoLimited(Event.TRANSPORT_REFUSED, "refused on the peer port: " + e.getMessage(), "reason", "hop");
            close(TransportClose.PEER_REFUSED, e.getMessage());
        }
    }

    @Override
    public void onData(Buffer data) {
        if (closed) {
            return;
        }
        if (hop != null) {
            hop.fromClient(); // the lent read itself, kept until written
            return;
        }
        if (awaitingPreamble) {
            close(TransportClose.PEER_REFUSED, "bytes before the PROXY protocol header");
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
        if (handshakeFrame == null) {
            handshakeFrame = f;
            try {
                relay.router().route(this, ResumeHandshake.of(f));
            } catch (ProtocolException e) {
                protocolError(e);
            }
            return;
        }
        if (session == null) {
            early.add(f.kept()); // kept past this read: a payload only lent to us is copied
            if (early.size() > MAX_EARLY_FRAMES) {
                close(TransportClose.TOO_MANY_EARLY_FRAMES, "");
            }
            return;
        }
        session.receive(this, f);
    }

    /** The client broke the protocol: counted, logged, this transport closed (the session only detaches). */
    @Override
    public void protocolError(ProtocolException e) {
        relay.metrics().protocolError(e.violation());
        log.infoLimited(Event.PROTOCOL_ERROR, "protocol error: " + e.getMessage(), "kind", e.violation().name());
        close(TransportClose.PROTOCOL_ERROR, e.violation().description());
    }

    /** The handshake is over, one way or another: this transport no longer counts as half-open. */
    private void handshakeOver() {
        if (handshakingFrom != null) {
            relay.clientPort().handshakeEnded(handshakingFrom);
            handshakingFrom = null;
        }
    }

    /** The session this transport's handshake chose has answered it; frames that came early go to it now. */
    @Override
    public void attached(AttachedSession s) {
        if (closed) {
            s.transportGone(this, false); // closed while another shard's session took it
            return;
        }
        relay.vertx().cancelTimer(handshakeTimer);
        handshakeOver();
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
     * The session lives on another node: from now on this transport is a hop to its home,
     * carrying everything the client sent so far behind a PROXY protocol header.
     */
    void becomeHop(NetSocket home) {
        relay.vertx().cancelTimer(handshakeTimer);
        handshakeOver();
        SocketAddress remote = pipe.socket().remoteAddress();
        SocketAddress local = pipe.socket().localAddress();
        Buffer sent = Buffer.buffer();
        handshakeFrame.writeTo(sent);
        for (Frame f : early) {
            f.writeTo(sent);
        }
        early = null;
        Buffer partial = decoder.takeBuffered();
        sent.appendBuffer(partial);
        Payloads.release(partial);
        hop = new HopPipe(this, pipe, new SocketPipe(home));
        relay.hopStarted(this);
        hop.start(PeerPreamble.encode(relay.keys().key(ClusterKeys.Purpose.HOP_PREAMBLE), new PeerPreamble.Peer(
                remote.hostAddress(), remote.port(), local.hostAddress(), local.port(), identity.name()), relay.now()), sent);
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
            hop.clientFinished(); // pass the client's clean close on to the home
            return;
        }
        // The client closed its side cleanly (FIN).
        if (session != null) {
            session.transportGone(this, true);
        }
        closed = true;
        closePipe();
    }

    @Override
    public void onClosed(Throwable cause) {
        boolean wasClosed = closed;
        closed = true;
        decoder.discard(); // the pieces of a frame that will never be complete
        relay.transportClosed(this);
        handshakeOver();
        relay.vertx().cancelTimer(handshakeTimer);
        endHop();
        if (session != null) {
            session.transportGone(this, false);
        }
        if (!wasClosed && cause instanceof HAProxyProtocolException) {
            relay.metrics().rejected(RelayMetrics.Rejection.FORGED_HOP);
            log.infoLimited(Event.TRANSPORT_CLOSED, "closed: " + TransportClose.PEER_REFUSED.description() + ": "
                    + cause.getMessage(), "reason", TransportClose.PEER_REFUSED.name());
        } else if (!wasClosed && cause != null) {
            log.debug(null, "lost: " + cause.getMessage());
        }
    }

    @Override
    public void write(Buffer frames) {
        if (!closed) {
            pipe.writeOwned(frames);
        } else {
            Payloads.release(frames);
        }
    }

    /** Answers the handshake with Session Rejected and closes (unknown, expired or not this client's). */
    @Override
    public void reject(long clientId) {
        relay.transportClosed(this);
        handshakeOver();
        relay.vertx().cancelTimer(handshakeTimer);
        relay.metrics().rejected(RelayMetrics.Rejection.UNKNOWN_SESSION);
        log.infoLimited(Event.SESSION_REJECTED, "session " + clientId + " rejected: unknown, expired or not this client's",
                "client_id", clientId);
        write(new SessionRejected(clientId).encode());
        closed = true;
        closePipe();
    }

    @Override
    public void close(TransportClose why, String detail) {
        if (closed) {
            return;
        }
        closed = true;
        relay.transportClosed(this);
        handshakeOver();
        relay.vertx().cancelTimer(handshakeTimer);
        log.infoLimited(Event.TRANSPORT_CLOSED, "closing transport: " + why.description()
                + (detail.isEmpty() ? "" : " (" + detail + ")"), "reason", why.name());
        if (session != null) {
            session.transportGone(this, false);
        }
        endHop();
        closePipe();
    }

    /**
     * Closes once our last frames have gone out, or resets after the dead interval: a client
     * that stopped reading would otherwise keep the socket, and what is queued for it, open
     * for as long as it likes, though the transport no longer counts against any limit.
     */
    private void closePipe() {
        pipe.closeWithin(relay.options().deadAfter().toMillis());
    }

    private void endHop() {
        if (hop != null) {
            hop.close();
            relay.hopEnded(this);
        }
    }

    @Override
    public boolean closed() {
        return closed;
    }
}
