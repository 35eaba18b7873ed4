package io.reconnector.edge;

import io.vertx.core.VertxOptions;

/**
 * How both sides configure Vert.x: the native transport where the platform has it.
 *
 * <p>Known defect, kept for now: Netty 4.2's epoll transport is level-triggered and leaves a
 * socket in the epoll set with no interest left once both directions of it have ended (our FIN
 * sent, theirs read) or once a paused socket's peer hangs up behind unread data; epoll reports
 * that socket's hang-up on every wait and the loop spins until the socket is closed
 * (netty#16683). On a relay that is every connection between the destination's FIN and the
 * client's Connection Closed, and a silent client can make it last (IdleLoopTest, disabled
 * until this is fixed). Netty 4.2.18 drops such sockets from the set but fails to re-add them
 * when reading resumes (epoll_ctl MOD, ENOENT: transfers are cut). The JDK's NIO transport has
 * neither problem and sets connections up 2.5 × faster here, but with it RelayFaultsTest's
 * first 4 MiB transfer stalled in about one run in four, cause not yet found: not shipped
 * until that is understood (docs/BENCHMARKS.md).
 */
public final class VertxSetup {
    private VertxSetup() {
    }

    public static VertxOptions options() {
        return new VertxOptions().setPreferNativeTransport(true);
    }
}
