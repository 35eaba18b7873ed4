package io.reconnector.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.function.Supplier;

/**
 * What an agent did, as Micrometer meters named {@code reconnector.agent.*} (Prometheus:
 * {@code reconnector_agent_*}), served on its {@code --admin-listen} if given.
 */
public final class AgentMetrics {
    private final Counter newSessions;
    private final Counter resumes;
    private final Counter rejections;
    private final Counter reconnects;
    private final Counter bytesUp;
    private final Counter bytesDown;
    private final MeterRegistry registry;

    /** Meters of their own, for an agent nobody scrapes. */
    public AgentMetrics() {
        this(new SimpleMeterRegistry());
    }

    public AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
        newSessions = Counter.builder("reconnector.agent.sessions.started").description("new sessions started")
                .register(registry);
        resumes = Counter.builder("reconnector.agent.resumes").description("the session resumed on a new transport")
                .register(registry);
        rejections = Counter.builder("reconnector.agent.rejections")
                .description("resumes the relay refused (the session was started anew)").register(registry);
        reconnects = Counter.builder("reconnector.agent.reconnects").description("transports lost and tried again")
                .register(registry);
        bytesUp = Counter.builder("reconnector.agent.bytes").tag("direction", "up").baseUnit("bytes")
                .description("application bytes carried").register(registry);
        bytesDown = Counter.builder("reconnector.agent.bytes").tag("direction", "down").baseUnit("bytes")
                .register(registry);
    }

    /** The number of local connections open, read at each scrape (an int the agent's loop writes). */
    void localConnections(Supplier<Number> open) {
        Gauge.builder("reconnector.agent.local.connections", open).description("application connections open")
                .register(registry);
    }

    /** Whether a session is attached to the relay now (what the agent's /readyz reports). */
    private volatile boolean attached;

    public boolean attached() {
        return attached;
    }

    void attached(boolean now) {
        attached = now;
    }

    void newSession() {
        newSessions.increment();
    }

    void resumed() {
        resumes.increment();
    }

    void rejected() {
        rejections.increment();
    }

    void reconnecting() {
        reconnects.increment();
    }

    void up(int bytes) {
        bytesUp.increment(bytes);
    }

    void down(int bytes) {
        bytesDown.increment(bytes);
    }
}
