package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.store.ClusterKeys;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * How a relay node finds and trusts the other nodes.
 *
 * @param namePrefix          the readable part of the Hazelcast cluster name (the rest comes from the secret)
 * @param host                the address the cluster plane binds to (Hazelcast, event bus)
 * @param port                the Hazelcast member port; 0 takes the first free from 5701
 * @param members             other members, {@code HOST:PORT} each
 * @param dns                 a Kubernetes headless service name to find members by, or null
 * @param keys                every cluster key, derived from the cluster secret
 * @param peerListen          where other nodes forward client transports to this one
 * @param eventBusPort        the event bus port; 0 takes any free one
 * @param replicationInterval how often a session's progress is written at most; bounds how far its record lags
 */
public record ClusterOptions(String namePrefix, String host, int port, List<String> members, String dns,
                             ClusterKeys keys, HostPort peerListen, int eventBusPort, Duration replicationInterval) {

    public ClusterOptions {
        members = List.copyOf(members);
    }

    /** A cluster of one on loopback with a secret nobody else knows. */
    public static ClusterOptions single() {
        return new ClusterOptions("single-" + UUID.randomUUID(), "127.0.0.1", 0, List.of(), null,
                new ClusterKeys(new SecureRandom().generateSeed(32)), new HostPort("127.0.0.1", 0), 0,
                Duration.ofMillis(200));
    }

    /** The Hazelcast cluster name: only nodes holding the secret compute it. */
    public String hazelcastClusterName() {
        return keys.clusterName(namePrefix);
    }
}
