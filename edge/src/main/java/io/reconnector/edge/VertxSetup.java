package io.reconnector.edge;

import io.vertx.core.VertxOptions;

/**
 * How both sides configure Vert.x: the JDK's NIO transport, not Netty's native epoll one.
 *
 * <p>Netty 4.2's epoll transport is level-triggered and leaves a socket in the epoll set with
 * no interest left once both directions of it have ended (our FIN sent, theirs read) or once
 * a paused socket's peer hangs up; epoll then reports that socket's hang-up on every wait and
 * the event loop spins until the socket is closed (netty#16683). A connection waiting for the
 * client's Connection Closed, or a download paused for the client's window after the
 * destination finished, kept a relay core busy for as long as the client took — a client that
 * never acked could hold it forever. Netty's fix (4.2.18) deletes such a socket from the set
 * but cannot add it back when reading resumes (epoll_ctl MOD fails with ENOENT and the
 * connection is cut), so it is no way out either. The JDK's selector removes a socket with no
 * interest itself ({@code IdleLoopTest} holds both states and reads the loops' CPU time).
 * Measured here: connection setup 2.5 × faster, one connection's throughput the same, and
 * about 20 % more relay CPU per MiB with 2,000 busy connections (docs/BENCHMARKS.md). Worth
 * going back once a Netty release both drops and re-adds such a socket.
 */
public final class VertxSetup {
    private VertxSetup() {
    }

    public static VertxOptions options() {
        return new VertxOptions().setPreferNativeTransport(false);
    }
}
