package io.reconnector.agent;

import io.reconnector.edge.Log;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.frame.Ipv4Address;
import io.vertx.core.buffer.Buffer;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One application connection accepted by the agent: through a fixed forward (it asks for its
 * target at once) or through SOCKS5 (it asks after the handshake names the target). Once the
 * relay has connected, bytes flow between this socket and the session engine.
 */
final class LocalConnection implements SocketPipe.Listener {
    final SocketPipe pipe;
    private final Agent agent;
    private final boolean socks;
    private Socks5Handshake handshake;
    private Buffer early;
    private int id = -1;
    private boolean gone;

    LocalConnection(Agent agent, SocketPipe pipe, ForwardSpec forward) {
        this.agent = agent;
        this.pipe = pipe;
        this.socks = forward == null;
        pipe.listen(this);
        if (socks) {
            handshake = new Socks5Handshake();
            pipe.resume(); // read the SOCKS handshake; the engine takes over reading once connected
        } else {
            open(forward.target(), forward.targetPort());
        }
    }

    private void open(Ipv4Address address, int port) {
        pipe.pause();
        id = agent.open(this, address, port);
        if (id < 0) {
            Log.info("agent", "refusing a local connection: all 65,535 connection ids are in use");
            fail(Socks5Handshake.GENERAL_FAILURE);
        } else if (early != null) {
            Buffer first = early;
            early = null;
            agent.localData(id, first);
        }
    }

    @Override
    public void onData(Buffer data) {
        if (gone) {
            return;
        }
        if (handshake != null) {
            Socks5Handshake.Step step = handshake.feed(data);
            if (step.reply() != null) {
                pipe.write(step.reply());
            }
            if (step.close()) {
                handshake = null;
                gone = true;
                pipe.close();
            } else if (step.target() != null) {
                handshake = null;
                early = step.leftover();
                pipe.pause();
                resolveAndOpen(step.target());
            }
            return;
        }
        if (id < 0) {
            early = early == null ? data : early.appendBuffer(data);
            return;
        }
        agent.localData(id, data);
    }

    private void resolveAndOpen(Socks5Handshake.Target t) {
        if (!t.domain()) {
            open(Ipv4Address.parse(t.host()), t.port());
            return;
        }
        agent.vertx().executeBlocking(() -> {
            for (InetAddress a : InetAddress.getAllByName(t.host())) {
                if (a instanceof Inet4Address) {
                    return Ipv4Address.of(a.getAddress());
                }
            }
            throw new IllegalStateException("no IPv4 address for " + t.host());
        }, false).onComplete(ar -> {
            if (gone) {
                return;
            }
            if (ar.failed()) {
                Log.info("agent", "SOCKS: cannot resolve " + t.host() + ": " + ar.cause().getMessage());
                fail(Socks5Handshake.HOST_UNREACHABLE);
            } else {
                open(ar.result(), t.port());
            }
        });
    }

    private void fail(int socksCode) {
        gone = true;
        if (socks) {
            pipe.write(Socks5Handshake.reply(socksCode));
        }
        pipe.close();
    }

    /** The relay answered this connection's New Connection. */
    void connectResult(int errno) {
        if (errno == 0) {
            if (socks) {
                pipe.write(Socks5Handshake.reply(Socks5Handshake.SUCCEEDED));
            }
            return; // the engine resumes reading when the window allows
        }
        if (!gone) {
            fail(Socks5Handshake.replyForErrno(errno));
        }
    }

    void closedByRelay(boolean graceful) {
        if (gone) {
            return;
        }
        gone = true;
        if (graceful) {
            pipe.close();
        } else {
            pipe.reset(); // the connection failed: the application must see an error, not a clean end
        }
    }

    @Override
    public void onEof() {
        if (id >= 0 && !gone) {
            agent.localEof(id);
        } else if (id < 0) {
            gone = true;
            pipe.close();
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        gone = true;
        if (id >= 0) {
            agent.localClosed(id, this); // no-op if the relay already closed it
        }
    }
}
