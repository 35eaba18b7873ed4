package io.reconnector.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;

import java.util.List;

/**
 * Hazelcast member configuration for relay nodes: TCP-IP join with an explicit member list
 * (no multicast), bound to one interface, no phone-home, join without the default wait.
 */
public final class EmbeddedHazelcast {
    private EmbeddedHazelcast() {
    }

    /**
     * @param clusterName distinct per cluster (and per test suite)
     * @param host        the interface to bind and advertise, e.g. 127.0.0.1
     * @param port        the member port; 0 picks a free one
     * @param members     other members as {@code HOST:PORT}, each listed on its own
     */
    public static Config config(String clusterName, String instanceName, String host, int port, List<String> members) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(instanceName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // Bind to the cluster host only, and take it as given: Hazelcast's interface matching
        // knows only addresses configured on an interface, not the rest of 127.0.0.0/8.
        config.setProperty("hazelcast.local.localAddress", host);
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port == 0 ? 5701 : port).setPortAutoIncrement(port == 0);
        network.getInterfaces().setEnabled(false);
        network.setPublicAddress(null);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        // With no members named, the node is a cluster of one and looks for nobody.
        join.getTcpIpConfig().setEnabled(!members.isEmpty());
        for (String m : members) {
            join.getTcpIpConfig().addMember(m);
        }
        config.getMapConfig(HazelcastSessionStore.MAP_NAME).setBackupCount(1).setAsyncBackupCount(0);
        return config;
    }

    /** Finds members through a Kubernetes headless service's DNS name instead of a member list. */
    public static void useKubernetesDns(Config config, String serviceDns) {
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getTcpIpConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", serviceDns);
        config.getNetworkConfig().getInterfaces().setEnabled(false);
    }
}
