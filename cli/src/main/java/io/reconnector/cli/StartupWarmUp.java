package io.reconnector.cli;

import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.List;

/**
 * The agent's start on two cores instead of one. For its first tenth of a second the agent's
 * main thread is picocli building the command's model from its annotations, and it touches
 * only picocli, Jackson (a config file), the JDK and our own flag parsers: nothing this thread
 * initialises. Meanwhile this thread does work the start
 * needs next whatever the flags say: Logback's first configuration, the JDK's security
 * providers (a new client id is a {@link SecureRandom} number) and the static set-up of Netty,
 * Vert.x and Micrometer (platform probes, allocator arenas, option defaults), each class's
 * initialiser run once, as the main thread would run it a moment later. About 40 ms of a
 * launch's ~400 (docs/BENCHMARKS.md, "The agent's footprint").
 *
 * <p>The main thread {@linkplain #await() waits} for this one before it touches any of these
 * libraries, so the two never initialise classes of the same library at the same time: no
 * initialiser of one can wait for an initialiser held by the other. A failure here is the
 * agent's own failure (it needs every one of these) and is thrown from {@link #await()} with its
 * cause: the main thread would otherwise meet only "could not initialize class", without it.
 */
final class StartupWarmUp {
    /**
     * Roots of what the agent initialises on its way to "agent ready", in that order. Names, not
     * class literals: some are package-private; StartupWarmUpTest checks that each one is there.
     */
    static final List<String> CLASSES = List.of(
            "io.netty.util.internal.PlatformDependent",
            "io.vertx.core.VertxOptions",
            "io.vertx.core.impl.VertxImpl",
            "io.netty.util.ResourceLeakDetector",
            "io.netty.channel.nio.NioIoHandler",
            "io.micrometer.core.instrument.simple.SimpleMeterRegistry",
            "io.vertx.core.impl.ContextImpl",
            "io.netty.buffer.PooledByteBufAllocator",
            "io.vertx.core.net.impl.NetClientImpl",
            "io.vertx.core.net.impl.NetServerImpl",
            "io.netty.bootstrap.ServerBootstrap",
            "io.netty.channel.socket.nio.NioServerSocketChannel",
            "io.netty.channel.socket.nio.NioSocketChannel");

    private static volatile Thread running;
    private static volatile Throwable failure;

    private StartupWarmUp() {
    }

    /** Starts the warm-up; call it first thing in main, before picocli. */
    static void start() {
        start(CLASSES);
    }

    static void start(List<String> classes) {
        failure = null;
        Thread thread = new Thread(() -> run(classes), "reconnector-warm-up");
        thread.setDaemon(true); // a bad flag ends the process without waiting for it
        running = thread;
        thread.start();
    }

    /** Returns once the warm-up is over (at once when none was started), or throws what it failed on. */
    static void await() {
        Thread thread = running;
        if (thread == null) {
            return;
        }
        // Until it is over, whatever happens: going on beside it would start initialising the
        // same libraries on two threads, which is what waiting here rules out.
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        running = null;
        if (failure != null) {
            throw new IllegalStateException("the agent's libraries failed to initialise", failure);
        }
    }

    private static void run(List<String> classes) {
        try {
            LoggerFactory.getILoggerFactory(); // Logback's defaults (Logging.Defaults); configure() replaces them
            new SecureRandom();
            ClassLoader loader = StartupWarmUp.class.getClassLoader();
            for (String name : classes) {
                Class.forName(name, true, loader);
            }
        } catch (Throwable e) { // an initialiser's Error included: await() reports it
            failure = e;
        }
    }
}
