package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.engine.EngineConfig;

import java.time.Duration;
import java.util.List;

/**
 * A relay node's settings.
 *
 * @param connectTimeout how long an upstream dial may take
 * @param drainGrace     how long a draining node keeps serving sessions with open connections
 * @param tls            the client port's certificate, client CA and revocation list; null for plaintext
 * @param cluster        how this node finds and trusts the others
 * @param limits         what one client may cost this node
 * @param proxyProtocol  the client port expects a PROXY protocol header (v1 or v2) from a balancer
 * @param adminListen    where /metrics, /healthz and /readyz are served; null for nowhere
 * @param names          the hosts file and name rules for destinations given by name
 */
public record RelayOptions(HostPort listen, List<AddressRule> allow, List<AddressRule> deny, Duration sessionTtl,
                           Duration keepalive, Duration deadAfter, int windowBytes, String nodeName,
                           Duration connectTimeout, Duration drainGrace, TlsFiles tls, ClusterOptions cluster,
                           Limits limits, boolean proxyProtocol, HostPort adminListen, NameOptions names) {

    public EngineConfig engineConfig() {
        return EngineConfig.serverDefaults().withReceiveWindow(windowBytes)
                .withTiming(keepalive.toMillis(), deadAfter.toMillis())
                .withBuffers(limits.connectionBufferBytes(), limits.sessionBufferBytes());
    }

    /** A single-node relay on plaintext with the usual defaults, for tests and the demo. */
    public static RelayOptions singleNode(HostPort listen, List<AddressRule> allow, List<AddressRule> deny,
                                          Duration sessionTtl, Duration keepalive, Duration deadAfter, int windowBytes,
                                          String nodeName) {
        return new RelayOptions(listen, allow, deny, sessionTtl, keepalive, deadAfter, windowBytes, nodeName,
                Duration.ofSeconds(5), Duration.ofSeconds(30), null, ClusterOptions.single(), Limits.defaults(), false, null,
                NameOptions.defaults());
    }

    public RelayOptions withTls(TlsFiles files) {
        return new RelayOptions(listen, allow, deny, sessionTtl, keepalive, deadAfter, windowBytes, nodeName,
                connectTimeout, drainGrace, files, cluster, limits, proxyProtocol, adminListen, names);
    }

    public RelayOptions withLimits(Limits l) {
        return new RelayOptions(listen, allow, deny, sessionTtl, keepalive, deadAfter, windowBytes, nodeName,
                connectTimeout, drainGrace, tls, cluster, l, proxyProtocol, adminListen, names);
    }

    public RelayOptions withCluster(ClusterOptions c) {
        return new RelayOptions(listen, allow, deny, sessionTtl, keepalive, deadAfter, windowBytes, nodeName,
                connectTimeout, drainGrace, tls, c, limits, proxyProtocol, adminListen, names);
    }
    public RelayOptions withNames(NameOptions n) {
        return new RelayOptions(listen, allow, deny, sessionTtl, keepalive, deadAfter, windowBytes, nodeName,
                connectTimeout, drainGrace, tls, cluster, limits, proxyProtocol, adminListen, n);
    }

    /** Behind a balancer ({@code proxyProtocol}) and with an admin port ({@code admin}, or null). */
    public RelayOptions withOperations(boolean proxy, HostPort admin) {
        return new RelayOptions(listen, allow, deny, sessionTtl, keepalive, deadAfter, windowBytes, nodeName,
                connectTimeout, drainGrace, tls, cluster, limits, proxy, admin, names);
    }
}
