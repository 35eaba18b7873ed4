package io.reconnector.agent;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.engine.EngineConfig;

import java.time.Duration;
import java.util.List;

/**
 * The agent's settings. {@code socks} may be null (forwards only); {@code tls} is null for a
 * plaintext transport (loopback relays only, unless the operator insisted).
 */
public record AgentOptions(HostPort relay, long clientId, HostPort socks, List<ForwardSpec> forwards,
                           Duration keepalive, Duration deadAfter, int windowBytes,
                           Duration backoffMax, Duration connectTimeout, AgentTls tls) {

    public EngineConfig engineConfig() {
        return EngineConfig.clientDefaults().withReceiveWindow(windowBytes)
                .withTiming(keepalive.toMillis(), deadAfter.toMillis());
    }
}
