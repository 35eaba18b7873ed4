package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Ipv4Address;
import io.vertx.core.buffer.Buffer;

/**
 * What an engine asks its edge to do. The engine never does I/O: every input returns the
 * effects it caused, in the order they must be carried out.
 */
public sealed interface Effect {

    /** Write this frame to the transport. */
    record Send(Frame frame) implements Effect {
    }

    /** Write these bytes to connection {@code connectionId}'s local socket, then report them consumed. */
    record Deliver(int connectionId, Buffer data) implements Effect {
    }

    /** The peer sends no more on this connection: shutdown(SHUT_WR) the local socket. */
    record DeliverEof(int connectionId) implements Effect {
    }

    /**
     * The connection is over: close the local socket. {@code graceful} closes after writing what
     * was delivered; otherwise reset it, so the application sees an error, not an end of stream
     * that could pass for a complete response.
     */
    record CloseConnection(int connectionId, String reason, boolean graceful) implements Effect {
    }

    /** Server only: dial the upstream; answer with upstreamConnected or upstreamFailed quoting the token. */
    record OpenUpstream(int connectionId, Ipv4Address address, int port, long token) implements Effect {
    }

    /** Server only: the dial {@code token} connected after its connection was closed: close that socket. */
    record AbandonDial(int connectionId, long token) implements Effect {
    }

    /** Client only: the relay answered a New Connection; errno 0 means Connected. */
    record ConnectResult(int connectionId, int errno) implements Effect {
    }

    /** Stop reading this connection's local socket: its send limit is reached. */
    record PauseReading(int connectionId) implements Effect {
    }

    /** Read this connection's local socket again (also the first permission to read). */
    record ResumeReading(int connectionId) implements Effect {
    }

    /** The handshake completed; {@code retransmitted} messages were sent again. */
    record Established(boolean resumed, int retransmitted) implements Effect {
    }

    /** Client only: the server refused to resume; every connection was closed and the next attach starts anew. */
    record Rejected() implements Effect {
    }

    /** Nothing arrived for the dead interval: drop this transport (the engine has detached). */
    record TransportDead(long silentMillis) implements Effect {
    }

    /** The peer broke the protocol: close this transport (the engine has detached; the session lives on). */
    record ProtocolError(ProtocolException error) implements Effect {
    }
}
