package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Destination;
import io.vertx.core.buffer.Buffer;

/**
 * What an engine asks its edge to do. The engine never does I/O: every input returns the
 * effects it caused, in the order they must be carried out.
 *
 * <p>Edges dispatch through {@link #applyTo(Handler)}: a {@link Handler} has one method per
 * kind of effect, so a new kind of effect does not compile until every edge says what it
 * does with it.
 */
public sealed interface Effect {

    /** Calls the method of {@code handler} for this kind of effect. */
    void applyTo(Handler handler);

    /** One method per kind of effect. */
    interface Handler {
        void send(Send e);

        void deliver(Deliver e);

        void deliverEof(DeliverEof e);

        void closeConnection(CloseConnection e);

        void openUpstream(OpenUpstream e);

        void abandonDial(AbandonDial e);

        void connectResult(ConnectResult e);

        void pauseReading(PauseReading e);

        void resumeReading(ResumeReading e);

        void established(Established e);

        void rejected(Rejected e);

        void transportDead(TransportDead e);

        void protocolError(ProtocolError e);

        void extensionsSettled(ExtensionsSettled e);
    }

    /** Write this frame to the transport. */
    record Send(Frame frame) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.send(this);
        }
    }

    /** Write these bytes to connection {@code connectionId}'s local socket, then report them consumed. */
    record Deliver(int connectionId, Buffer data) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.deliver(this);
        }
    }

    /** The peer sends no more on this connection: shutdown(SHUT_WR) the local socket. */
    record DeliverEof(int connectionId) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.deliverEof(this);
        }
    }

    /**
     * The connection is over: close the local socket. A graceful reason closes after writing
     * what was delivered; any other resets it, so the application sees an error, not an end of
     * stream that could pass for a complete response.
     */
    record CloseConnection(int connectionId, CloseReason reason) implements Effect {
        public boolean graceful() {
            return reason.graceful();
        }

        @Override
        public void applyTo(Handler h) {
            h.closeConnection(this);
        }
    }

    /** Server only: dial the upstream; answer with upstreamConnected or upstreamFailed quoting the token. */
    record OpenUpstream(int connectionId, Destination destination, int port, long token) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.openUpstream(this);
        }
    }

    /** Server only: the dial {@code token} connected after its connection was closed: close that socket. */
    record AbandonDial(int connectionId, long token) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.abandonDial(this);
        }
    }

    /**
     * Client only: the client now knows whether its relay speaks the names-and-IPv6 extension
     * ({@link Extensions}); requests that waited for this may go (or be resolved locally).
     */
    record ExtensionsSettled(boolean offered) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.extensionsSettled(this);
        }
    }

    /** Client only: the relay answered a New Connection; errno 0 means Connected. */
    record ConnectResult(int connectionId, int errno) implements Effect {
        public static final int CONNECTED = 0;

        public boolean connected() {
            return errno == CONNECTED;
        }

        @Override
        public void applyTo(Handler h) {
            h.connectResult(this);
        }
    }

    /** Stop reading this connection's local socket: its send limit is reached. */
    record PauseReading(int connectionId) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.pauseReading(this);
        }
    }

    /** Read this connection's local socket again (also the first permission to read). */
    record ResumeReading(int connectionId) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.resumeReading(this);
        }
    }

    /** The handshake completed; {@code retransmitted} messages were sent again. */
    record Established(boolean resumed, int retransmitted) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.established(this);
        }
    }

    /**
     * Client only: the session is over for this client — the server refused to resume it, or
     * answered in a way that cannot be this client's session. Every connection was closed and
     * the next attach starts a new session.
     */
    record Rejected(Why why) implements Effect {
        public enum Why {
            /** Session Rejected: unknown, expired, killed, or not ours. */
            REJECTED_BY_RELAY,
            /** The relay's session acks messages we never sent: it is not the session we had. */
            NOT_OURS
        }

        @Override
        public void applyTo(Handler h) {
            h.rejected(this);
        }
    }

    /** Nothing arrived for the dead interval: drop this transport (the engine has detached). */
    record TransportDead(long silentMillis) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.transportDead(this);
        }
    }

    /** The peer broke the protocol: close this transport (the engine has detached; the session lives on). */
    record ProtocolError(ProtocolException error) implements Effect {
        @Override
        public void applyTo(Handler h) {
            h.protocolError(this);
        }
    }
}
