package io.reconnector.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.engine.CloseReason;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a relay did and holds, as Micrometer meters named {@code reconnector.*} (Prometheus:
 * {@code reconnector_*}), served on the admin port and read by tests. Counters are counted where
 * things happen; the gauges are levels the relay sets from its own event loop, so a scrape on
 * another thread never reads the session table.
 */
public final class RelayMetrics {
    /** Why a transport or a handshake was turned away (limits are counted apart, by limit). */
    public enum Rejection {
        /** Reconnect for a session this identity does not have: unknown, expired or another's. */
        UNKNOWN_SESSION,
        /** A client certificate with no name in it. */
        UNNAMED_CERTIFICATE,
        /** A revoked identity or certificate. */
        REVOKED,
        /** A hop on the peer port without a valid proof. */
        FORGED_HOP,
        /** A session record that failed its seal. */
        FORGED_RECORD
    }

    /** Bytes through the relay: up is client to destination, down the way back. */
    public enum Direction { UP, DOWN }

    /** Who cut an upstream connection short (before its end, with a reset or a failure). */
    public enum AbortedBy {
        /** The destination reset it, or its socket failed. */
        DESTINATION,
        /** The client aborted it (its application reset it). */
        CLIENT,
        /** The relay, because the client broke the protocol's rules on it (data past its window or after its EOF). */
        PROTOCOL;

        /** Who cut it, when the session engine closed it for {@code reason} (not a graceful one). */
        static AbortedBy of(CloseReason reason) {
            return reason == CloseReason.ABORTED_BY_PEER ? CLIENT : PROTOCOL;
        }
    }

    private final MeterRegistry registry;
    private final Counter sessionsStarted;
    private final Counter resumes;
    private final Timer resumeDuration;
    private final Counter sessionsExpired;
    private final Counter connectionsOpened;
    private final Counter connectionsDenied;
    private final Counter takeovers;
    private final Counter hops;
    private final Counter bridges;
    private final Timer recordWrites;
    private final Map<Rejection, Counter> rejections = new EnumMap<>(Rejection.class);
    private final Map<Limits.Limit, Counter> limitRefusals = new EnumMap<>(Limits.Limit.class);
    private final Map<ProtocolViolation, Counter> protocolErrors = new EnumMap<>(ProtocolViolation.class);
    private final Map<Direction, Counter> bytes = new EnumMap<>(Direction.class);
    private final Map<AbortedBy, Counter> aborts = new EnumMap<>(AbortedBy.class);
    /** One set of levels per event loop's shard; the gauges show their sums. */
    private final List<Levels> levels = new CopyOnWriteArrayList<>();

    /** Meters of their own, for a relay nobody scrapes (tests that only read them). */
    public RelayMetrics() {
        this(new SimpleMeterRegistry());
    }

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        sessionsStarted = counter("reconnector.sessions.started", "sessions started (Start Session answered)");
        resumes = counter("reconnector.resumes", "sessions resumed on a new transport");
        resumeDuration = Timer.builder("reconnector.resume.duration")
                .description("from a Reconnect Session arriving to its answer going out")
                .publishPercentileHistogram().register(registry);
        sessionsExpired = counter("reconnector.sessions.expired", "detached sessions dropped after --session-ttl");
        connectionsOpened = counter("reconnector.connections.opened", "upstream connections dialled and connected");
        connectionsDenied = counter("reconnector.connections.denied", "New Connections the destination policy refused");
        takeovers = counter("reconnector.takeovers", "sessions this node took over from a lost or busy home");
        hops = counter("reconnector.hops", "transports piped to their session's home on another node");
        bridges = counter("reconnector.bridges", "transports bridged to their session's event loop on this node");
        recordWrites = Timer.builder("reconnector.record.write").description("session record writes to the store")
                .publishPercentileHistogram().register(registry);
        for (Rejection r : Rejection.values()) {
            rejections.put(r, Counter.builder("reconnector.rejections").tag("reason", r.name().toLowerCase())
                    .description("handshakes and transports turned away, by reason").register(registry));
        }
        for (Limits.Limit l : Limits.Limit.values()) {
            limitRefusals.put(l, Counter.builder("reconnector.limit.refusals").tag("limit", l.name().toLowerCase())
                    .description("sessions, connections and transports refused by a limit").register(registry));
        }
        for (ProtocolViolation v : ProtocolViolation.values()) {
            protocolErrors.put(v, Counter.builder("reconnector.protocol.errors").tag("kind", v.name().toLowerCase())
                    .description("client transports closed for breaking the protocol").register(registry));
        }
        for (Direction d : Direction.values()) {
            bytes.put(d, Counter.builder("reconnector.bytes").tag("direction", d.name().toLowerCase()).baseUnit("bytes")
                    .description("application bytes relayed").register(registry));
        }
        for (AbortedBy by : AbortedBy.values()) {
            aborts.put(by, Counter.builder("reconnector.connections.aborted").tag("by", by.name().toLowerCase())
                    .description("upstream connections cut short, by who cut them").register(registry));
        }
        Gauge.builder("reconnector.sessions", this, m -> m.sum(l -> l.attached)).tag("state", "attached")
                .description("sessions homed here, by whether a transport is attached").register(registry);
        Gauge.builder("reconnector.sessions", this, m -> m.sum(l -> l.detached)).tag("state", "detached")
                .register(registry);
        Gauge.builder("reconnector.connections", this, m -> m.sum(l -> l.connections))
                .description("upstream connections of sessions homed here").register(registry);
        Gauge.builder("reconnector.replay.buffer", this, m -> m.sum(l -> l.replayBufferBytes)).baseUnit("bytes")
                .description("bytes held for replay: read from destinations and not yet acked by clients")
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    // ------------------------------------------------------------------ counting

    void sessionStarted() {
        sessionsStarted.increment();
    }

    void resumed(long nanos) {
        resumes.increment();
        resumeDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    void sessionExpired() {
        sessionsExpired.increment();
    }

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void connectionAborted(AbortedBy by) {
        aborts.get(by).increment();
    }

    void connectionDenied() {
        connectionsDenied.increment();
    }

    void takeover() {
        takeovers.increment();
    }

    void hop() {
        hops.increment();
    }

    void bridge() {
        bridges.increment();
    }

    void rejected(Rejection why) {
        rejections.get(why).increment();
    }

    void limitRefused(Limits.Limit limit) {
        limitRefusals.get(limit).increment();
    }

    void protocolError(ProtocolViolation kind) {
        protocolErrors.get(kind).increment();
    }

    void relayed(Direction d, int n) {
        bytes.get(d).increment(n);
    }

    void recordWritten(Duration took) {
        recordWrites.record(took);
    }

    private double sum(java.util.function.Function<Levels, AtomicLong> which) {
        return levels.stream().mapToLong(l -> which.apply(l).get()).sum();
    }

    /** Levels for one shard to set on its tick; the gauges add up every shard's. */
    Levels newLevels() {
        Levels l = new Levels();
        levels.add(l);
        return l;
    }

    /** One shard's levels, set on its tick from its session table. */
    static final class Levels {
        private final AtomicLong attached = new AtomicLong();
        private final AtomicLong detached = new AtomicLong();
        private final AtomicLong connections = new AtomicLong();
        private final AtomicLong replayBufferBytes = new AtomicLong();

        void set(long attachedSessions, long detachedSessions, long upstreamConnections, long replayBytes) {
            attached.set(attachedSessions);
            detached.set(detachedSessions);
            connections.set(upstreamConnections);
            replayBufferBytes.set(replayBytes);
        }
    }

    // ------------------------------------------------------------------ reading (tests, logs)

    /** Sessions on this node, attached or not, as of each shard's latest tick. */
    public long sessions() {
        return (long) (sum(l -> l.attached) + sum(l -> l.detached));
    }

    /** Bytes the sessions hold for their clients (pending or unacked), as of each shard's latest tick. */
    public long replayBufferBytes() {
        return (long) sum(l -> l.replayBufferBytes);
    }

    public long sessionsStarted() {
        return (long) sessionsStarted.count();
    }

    public long resumes() {
        return (long) resumes.count();
    }

    public long takeovers() {
        return (long) takeovers.count();
    }

    public long hops() {
        return (long) hops.count();
    }

    public long bridges() {
        return (long) bridges.count();
    }

    public long rejections(Rejection why) {
        return (long) rejections.get(why).count();
    }

    public long refusedBy(Limits.Limit l) {
        return (long) limitRefusals.get(l).count();
    }

    public long connectionsAborted(AbortedBy by) {
        return (long) aborts.get(by).count();
    }

    public long protocolErrors() {
        return (long) protocolErrors.values().stream().mapToDouble(Counter::count).sum();
    }

    @Override
    public String toString() {
        return "sessions started=" + sessionsStarted() + " resumed=" + resumes() + " expired="
                + (long) sessionsExpired.count() + ", connections opened=" + (long) connectionsOpened.count()
                + " denied=" + (long) connectionsDenied.count() + ", takeovers=" + takeovers() + " hops=" + hops()
                + ", protocol errors=" + protocolErrors();
    }
}
