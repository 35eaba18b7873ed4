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
 * @param peerListen          where other nodes forward client transports to this node
 * @param clusterSecret       proves a forwarding node belongs to the cluster
 * @param drainGrace          how long a draining node keeps serving sessions with open connections
 * @param clusterDns          Kubernetes headless-service DNS name for member discovery, or null
 */
public record RelayOptions(HostPort listen, List<AddressRule> allow, List<AddressRule> deny, Duration sessionTtl,
                           Duration keepalive, Duration deadAfter, int windowBytes, String nodeName,
                           String clusterName, String clusterHost, int clusterPort, List<String> clusterMembers,
                           Duration replicationInterval, Duration connectTimeout, HostPort peerListen,
                           byte[] clusterSecret, Duration drainGrace, String clusterDns) {

    public EngineConfig engineConfig() {
        return EngineConfig.serverDefaults().withReceiveWindow(windowBytes)
                .withTiming(keepalive.toMillis(), deadAfter.toMillis());
    }

    /** A single-node relay with the usual defaults, for tests and the demo. */
    public static RelayOptions singleNode(HostPort listen, java.util.List<AddressRule> allow, java.util.List<AddressRule> deny,
                                          Duration sessionTtl, Duration keepalive, Duration deadAfter, int windowBytes,
                                          String nodeName) {
        return new RelayOptions(listen, allow, deny, sessionTtl, keepalive, deadAfter, windowBytes, nodeName,
                "single-" + java.util.UUID.randomUUID(), "127.0.0.1", 0, List.of(), Duration.ofMillis(200),
                Duration.ofSeconds(5), new HostPort("127.0.0.1", 0), new byte[32], Duration.ofSeconds(30), null);
    }

    public DestinationPolicy policy() {
        return new DestinationPolicy(allow, deny);
    }
}
