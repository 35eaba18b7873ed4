package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.engine.EngineConfig;

import java.time.Duration;
import java.util.List;

/**
 * A relay node's settings.
 *
 * @param replicationInterval how often a session's progress (acked ids, unacked frames) is
 *                            written to the store at most; bounds how far the record lags
 */
public record RelayOptions(HostPort listen, List<AddressRule> allow, List<AddressRule> deny, Duration sessionTtl,
                           Duration keepalive, Duration deadAfter, int windowBytes, String nodeName,
                           String clusterName, String clusterHost, int clusterPort, List<String> clusterMembers,
                           Duration replicationInterval, Duration connectTimeout) {

    public EngineConfig engineConfig() {
        return EngineConfig.defaults().withReceiveWindow(windowBytes)
                .withTiming(keepalive.toMillis(), deadAfter.toMillis());
    }

    public DestinationPolicy policy() {
        return new DestinationPolicy(allow, deny);
    }
}
