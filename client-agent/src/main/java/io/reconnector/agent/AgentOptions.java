package io.reconnector.agent;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.engine.EngineConfig;

import java.time.Duration;
import java.util.List;

/**
 * The agent's settings. {@code socks} and {@code httpProxy} may be null (not served); {@code tls}
 * is null for a plaintext transport (loopback relays only, unless the operator insisted).
 */
public record AgentOptions(HostPort relay, long clientId, HostPort socks, HostPort httpProxy, List<ForwardSpec> forwards,
                           Duration keepalive, Duration deadAfter, int windowBytes,
                           Duration backoffMax, Duration connectTimeout, AgentTls tls, int maxLocalConnections,
                           StatusListen status) {
    /**
     * Where {@code reconnector status} asks (loopback only); null for nowhere. Served at
     * {@link #DEFAULT_STATUS} unless told otherwise: then a port already taken (a second agent)
     * only costs the status, while a port given on purpose that cannot be had stops the agent.
     */
    public record StatusListen(HostPort at, boolean givenOnPurpose) {
    }

    /** Where an agent serves its status unless told otherwise, and where {@code status} asks. */
    public static final HostPort DEFAULT_STATUS = new HostPort("127.0.0.1", 7091);

    /** Local connections the agent takes at once, over all its listeners, before it refuses more. */
    public static final int DEFAULT_MAX_LOCAL_CONNECTIONS = 4096;

    public EngineConfig engineConfig() {
        return EngineConfig.clientDefaults().withReceiveWindow(windowBytes)
                .withTiming(keepalive.toMillis(), deadAfter.toMillis());
    }
}
