package io.reconnector.agent;

import io.reconnector.edge.Event;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.PipeListener;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.engine.Extensions;
import io.reconnector.protocol.frame.Destination;
import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.Ipv4Address;
import io.vertx.core.buffer.Buffer;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One application connection accepted by the agent: through a fixed forward (it asks for its
 * target at once) or through a proxy port (it asks once the SOCKS or HTTP CONNECT request names
 * the target). Once the relay has connected, bytes flow between this socket and the session engine.
 */
final class LocalConnection implements PipeListener {
    private static final int NO_ID = -1;

    final SocketPipe pipe;
    private final Agent agent;
    /** The proxy protocol the application speaks first (SOCKS, HTTP CONNECT); null on a forward. */
    private final ProxyHandshake handshake;
    private int id = NO_ID;
    private boolean gone;
    /** For the status: how it came in, where it goes, since when, and the bytes each way. */
    final String via;
    final java.time.Instant openedAt = java.time.Instant.now();
    String destination = "?";
    long bytesUp;
    long bytesDown;
    /** The timer that fails the connection if the relay has not answered within --connect-timeout; -1 when none. */
    private long connectTimer = -1;

    /** Through a proxy port: the handshake's codecs are in the pipe already. */
    LocalConnection(Agent agent, SocketPipe pipe, ProxyHandshake handshake, String via) {
        this.agent = agent;
        this.via = via;
        this.pipe = pipe;
        this.handshake = handshake;
        pipe.listen(this);
        pipe.resume(); // read the request; the engine takes over reading once connected
    }

    /** Through a fixed forward: it asks for its target at once. */
    LocalConnection(Agent agent, SocketPipe pipe, ForwardSpec forward) {
        this.agent = agent;
        this.via = "forward " + pipe.socket().localAddress().port(); // the bound port (the spec may say 0)
        this.pipe = pipe;
        this.handshake = null;
        pipe.listen(this);
        openTo(forward.target(), forward.targetPort());
    }

    /**
     * Asks the relay for {@code destination}: at once for an IPv4 address; for a name or an IPv6
     * address once the agent knows whether the relay speaks the extension — if it does, the relay
     * resolves the name (this agent never does); if not, the name is resolved here and an IPv6
     * destination is refused. All of it within --connect-timeout.
     */
    private void openTo(Destination destination, int port) {
        this.destination = new HostPort(destination.toString(), port).toString(); // IPv6 in brackets
        startConnectTimer();
        if (!destination.needsExtension()) {
            open(destination, port);
            return;
        }
        agent.whenExtensionsKnown(() -> {
            if (gone) {
                return;
            }
            if (agent.engine().extensions() == Extensions.State.OFFERED) {
                open(destination, port);
            } else if (destination instanceof HostName name) {
                resolveHere(name, port);
            } else {
                agent.log().debug(null, "refusing " + destination + ": the relay carries IPv4 destinations only");
                fail(ProxyHandshake.EAFNOSUPPORT);
            }
        });
    }

    private void open(Destination destination, int port) {
        id = agent.open(this, destination, port);
        if (id == NO_ID) {
            agent.log().info(null, "refusing a local connection: all 65,535 connection ids are in use");
            fail(ConnectFailed.EMFILE);
        }
    }

    /** Offline, the New Connection waits for the relay; the application should not wait longer than for a slow server. */
    private void startConnectTimer() {
        long timeout = agent.options().connectTimeout().toMillis();
        connectTimer = agent.vertx().setTimer(timeout, t -> {
            connectTimer = -1;
            if (!gone) {
                agent.log().infoLimited(Event.CONNECT_TIMED_OUT, "a connection to " + destination
                        + " got no answer from the relay within " + timeout + " ms (" + (agent.link().attached()
                        ? "the relay is slow to dial" : "the relay is unreachable") + "; --connect-timeout)",
                        "timeout_ms", timeout);
                fail(ConnectFailed.ETIMEDOUT); // its close sends Connection Closed, which cancels the dial
            }
        });
    }

    /** A seed-only relay takes IPv4 addresses only: the name is looked up here, as before the extension. */
    private void resolveHere(HostName name, int port) {
        agent.vertx().executeBlocking(() -> {
            for (InetAddress a : InetAddress.getAllByName(name.name())) {
                if (a instanceof Inet4Address) {
                    return Ipv4Address.of(a.getAddress());
                }
            }
            throw new java.net.UnknownHostException("no IPv4 address for " + name);
        }, false).onComplete(ar -> {
            if (gone) {
                return;
            }
            if (ar.failed()) {
                agent.log().info(null, "cannot resolve " + name + ": " + ar.cause().getMessage());
                fail(ConnectFailed.NO_SUCH_HOST);
            } else {
                open(ar.result(), port);
            }
        });
    }

    @Override
    public void onMessage(Object message) {
        if (gone || handshake == null) {
            io.netty.util.ReferenceCountUtil.release(message);
            return;
        }
        // Paused while the request is handled: bytes the application sends right behind a
        // request it considers complete wait in the socket, never in a decoder that would misread them.
        pipe.pause();
        ProxyHandshake.Next next = handshake.onMessage(message);
        if (next instanceof ProxyHandshake.Next.Close close) {
            agent.log().debug(null, "proxy request refused: " + close.why());
            gone = true;
            pipe.close();
        } else if (next instanceof ProxyHandshake.Next.Connect connect) {
            // stays paused: the engine resumes reading once the relay has connected and granted a window
            openTo(connect.target().destination(), connect.target().port());
        } else {
            pipe.resume();
        }
    }

    @Override
    public void onData(Buffer data) {
        if (gone || id == NO_ID) {
            Payloads.release(data); // a handed-over read nobody takes; the engine releases the others
            if (!gone) {
                // Bytes before the connection exists: only a client that ignores the SOCKS
                // handshake sends them (the socket is paused between request and answer).
                gone = true;
                pipe.close();
            }
            return;
        }
        bytesUp += data.length();
        agent.localData(id, data);
    }

    /** Refuses the application: its proxy protocol's answer for the errno, or a reset on a forward (it has no other way to say it). */
    private void fail(int errno) {
        gone = true;
        if (handshake != null) {
            handshake.answer(errno);
            pipe.close();
        } else {
            pipe.reset();
        }
    }

    private void cancelConnectTimer() {
        if (connectTimer >= 0) {
            agent.vertx().cancelTimer(connectTimer);
            connectTimer = -1;
        }
    }

    /** The relay answered this connection's New Connection (errno 0: connected). */
    void connectResult(int errno) {
        cancelConnectTimer();
        if (errno == 0) {
            if (handshake != null) {
                handshake.answer(0);
            }
            return; // the engine resumes reading when the window allows
        }
        if (!gone) {
            fail(errno);
        }
    }

    /** The engine closed this connection: its socket is closed or reset by the effect applier. */
    void closedByRelay() {
        gone = true;
        cancelConnectTimer();
    }

    @Override
    public void onEof() {
        if (id != NO_ID && !gone) {
            agent.localEof(id);
        } else if (id == NO_ID) {
            gone = true;
            pipe.close();
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        gone = true;
        cancelConnectTimer();
        agent.localSocketClosed();
        if (id != NO_ID) {
            agent.localClosed(id, this); // no-op if the relay already closed it
        }
    }
}
