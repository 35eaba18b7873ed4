package io.reconnector.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;

import java.util.List;

/**
 * Hazelcast member configuration for relay nodes. Members only: the advanced network
 * configuration declares a member endpoint and no client endpoint, so no Hazelcast client can
 * connect to a relay at all; the cluster name is derived from the cluster secret, so a member
 * without it cannot join; the member binds to the cluster host only. TCP-IP join with an
 * explicit member list (no multicast), or Kubernetes DNS; no phone-home; no join wait.
 */
public final class EmbeddedHazelcast {
    /** The member port when none is given; the first free from here is taken. */
    public static final int DEFAULT_PORT = 5701;
    /** How soon, and how often, a member looks for split-off clusters to merge with. */
    static final int MERGE_DELAY_SECONDS = 10;

    private EmbeddedHazelcast() {
    }

    /**
     * @param clusterName the full cluster name (see {@link ClusterKeys#clusterName})
     * @param host        the address to bind and advertise, e.g. 127.0.0.1 or the pod's IP
     * @param port        the member port; 0 picks the first free from {@link #DEFAULT_PORT}
     * @param members     other members as {@code HOST:PORT}, each listed on its own
     */
    public static Config config(String clusterName, String instanceName, String host, int port, List<String> members) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(instanceName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // Nodes that start together can each form a cluster of one when a peer answers late (a
        // busy machine, a slow pod). Until they merge, a session started on one is unknown on the
        // others, so its client is rejected where it returns: look for split clusters within
        // seconds rather than Hazelcast's default five minutes.
        config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(MERGE_DELAY_SECONDS));
        // Bind to the cluster host only, and take it as given: Hazelcast's interface matching
        // knows only addresses configured on an interface, not the rest of 127.0.0.0/8.
        config.setProperty("hazelcast.local.localAddress", host);
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.getAdvancedNetworkConfig().setEnabled(true).setMemberEndpointConfig(new ServerSocketEndpointConfig()
                .setPort(port == 0 ? DEFAULT_PORT : port).setPortAutoIncrement(port == 0).setReuseAddress(true));
        JoinConfig join = config.getAdvancedNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        // With no members named, the node is a cluster of one and looks for nobody.
        join.getTcpIpConfig().setEnabled(!members.isEmpty());
        for (String m : members) {
            join.getTcpIpConfig().addMember(m);
        }
        config.getMapConfig(HazelcastSessionStore.MAP_NAME).setBackupCount(1).setAsyncBackupCount(0);
        StoreSerializers.register(config.getSerializationConfig());
        return config;
    }

    /**
     * Finds members through a Kubernetes headless service's DNS name instead of a member list,
     * at the member port every pod uses.
     */
    public static void useKubernetesDns(Config config, String serviceDns, int port) {
        JoinConfig join = config.getAdvancedNetworkConfig().getJoin();
        join.getTcpIpConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", serviceDns)
                .setProperty("service-port", String.valueOf(port == 0 ? DEFAULT_PORT : port));
        // Hazelcast's discovery joiner looks for members only while this wait lasts: at 0 it never
        // looks, and every pod would start a cluster of its own. One second is enough to ask DNS.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
    }
}
