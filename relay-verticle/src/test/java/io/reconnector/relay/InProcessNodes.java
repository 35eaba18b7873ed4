package io.reconnector.relay;

import io.reconnector.edge.HostPort;

import java.time.Duration;
import java.util.List;

/**
 * Options for relay nodes of one cluster run in one process (the test hands them one store and
 * one directory): loopback, destinations on 127.0.0.0/8, and one cluster secret, as a
 * cluster's nodes hold.
 */
final class InProcessNodes {
    /** The cluster secret every node holds. */
    static final ClusterOptions CLUSTER = ClusterOptions.single();

    private InProcessNodes() {
    }

    static RelayOptions node(String name) {
        return RelayOptions.singleNode(new HostPort("127.0.0.1", 0), List.of(AddressRule.parse("127.0.0.0/8")),
                List.of(), Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(3), 64 * 1024, name)
                .withCluster(CLUSTER);
    }
}
