package io.reconnector.edge;

import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;

import java.time.Duration;

/**
 * How both sides configure Vert.x: the JDK's NIO transport, not Netty's native epoll one.
 *
 * <p>Netty 4.2's epoll transport is level-triggered and leaves a socket in the epoll set with
 * no interest left once both directions of it have ended (our FIN sent, theirs read) or once a
 * paused socket's peer hangs up behind unread data; epoll reports that socket's hang-up on
 * every wait and the loop spins until the socket is closed (netty#16683). On a relay that was
 * every connection between the destination's FIN and the client's Connection Closed, and a
 * client that never acked or never closed could hold a core for as long as it liked
 * ({@code IdleLoopTest} holds both states and reads the loops' CPU time). Netty 4.2.18 drops
 * such sockets from the set but fails to re-add them when reading resumes (epoll_ctl MOD,
 * ENOENT: transfers are cut), so it is no way out either. The JDK's selector drops a socket
 * with no interest itself. Measured here (docs/BENCHMARKS.md): connection setup over three
 * times as fast; one connection's throughput a few per cent lower and about 20 % more relay
 * CPU per MiB with 2,000 busy connections. Worth going back once a Netty release both drops
 * and re-adds such sockets. Agent and relay build Vert.x with {@link #agent} and {@link #relay}:
 * the same transport with less work per connection and a loop that polls a little before it
 * sleeps ({@link LeanNioTransport}).
 */
public final class VertxSetup {
    private VertxSetup() {
    }

    public static VertxOptions options() {
        return new VertxOptions().setPreferNativeTransport(false);
    }

    /**
     * The most an event loop polls its sockets before it sleeps, unless {@code --busy-poll} says
     * otherwise ({@link BusyPoll}): longer than a loopback or same-host round trip through a
     * hop (the relay's answer to the agent, a local destination's to the relay), short enough
     * that a loop whose waits are longer soon stops polling.
     */
    public static final Duration DEFAULT_BUSY_POLL = Duration.ofNanos(100_000);
    /** Past this, polling would spend more than sleeping and waking ever costs. */
    public static final Duration MAX_BUSY_POLL = Duration.ofMillis(1);

    /**
     * The agent's Vert.x: NIO with fewer system calls per connection, accepting on its one
     * event loop, polling for up to {@code busyPoll} before it sleeps ({@link LeanNioTransport}).
     */
    public static VertxBuilder agent(VertxBuilder builder, Duration busyPoll) {
        return builder.withTransport(new Nio(LeanNioTransport.acceptingOnTheLoop(busyPoll)));
    }

    /** An agent's Vert.x with the default options (the demo's, the benchmark tools'). */
    public static Vertx agentVertx() {
        return agent(Vertx.builder().with(options()), DEFAULT_BUSY_POLL).build();
    }

    /**
     * A relay's Vert.x: NIO with fewer system calls per connection, Vert.x's acceptor thread,
     * polling for up to {@code busyPoll} before a loop sleeps.
     */
    public static VertxBuilder relay(VertxBuilder builder, Duration busyPoll) {
        return builder.withTransport(new Nio(LeanNioTransport.withAcceptorThread(busyPoll)));
    }

    /** How Vert.x's builder takes a transport of our own. */
    private record Nio(io.vertx.core.spi.transport.Transport implementation) implements Transport {
        @Override
        public String name() {
            return "nio";
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public Throwable unavailabilityCause() {
            return null;
        }
    }
}
