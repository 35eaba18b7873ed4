package io.reconnector.relay;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.reconnector.store.EmbeddedHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.concurrent.CompletableFuture;

/**
 * A running relay node: an embedded Hazelcast member (a cluster of one unless members are
 * given), a Vert.x instance clustered through it (the event bus carries control messages
 * between nodes), and the relay verticle.
 */
public final class RelayNode {
    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final Relay relay;

    private RelayNode(Vertx vertx, HazelcastInstance hazelcast, Relay relay) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.relay = relay;
    }

    public static Future<RelayNode> start(RelayOptions options) {
        ClusterOptions c = options.cluster();
        Config config = EmbeddedHazelcast.config(c.hazelcastClusterName(), options.nodeName(), c.host(), c.port(),
                c.members());
        if (c.dns() != null) {
            EmbeddedHazelcast.useKubernetesDns(config, c.dns(), c.port());
        }
        // The cluster manager starts the member itself, so it can tag it with Vert.x's node id.
        HazelcastClusterManager manager = new HazelcastClusterManager(config);
        return Vertx.builder()
                .with(io.reconnector.edge.VertxSetup.options().setEventBusOptions(new EventBusOptions().setHost(c.host()).setPort(c.eventBusPort())))
                .withClusterManager(manager)
                .buildClustered()
                .compose(vertx -> {
                    HazelcastInstance hz = manager.getHazelcastInstance();
                    Relay relay = new Relay(options, hz);
                    relay.clusterPorts(java.util.Set.of(hz.getCluster().getLocalMember().getAddress().getPort(),
                            manager.getNodeInfo().port()));
                    return vertx.deployVerticle(relay).map(id -> new RelayNode(vertx, hz, relay))
                            .onFailure(t -> vertx.close());
                });
    }

    public Relay relay() {
        return relay;
    }

    /**
     * Graceful drain (see {@link Relay#drain()}), run on the relay's own event loop; fails when
     * session records could not be written.
     */
    public Future<Void> drain() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        relay.vertx().runOnContext(v -> relay.drain().onComplete(ar -> {
            if (ar.succeeded()) {
                done.complete(null);
            } else {
                done.completeExceptionally(ar.cause());
            }
        }));
        return Future.fromCompletionStage(done);
    }

    /** Leaves the cluster: Vert.x closes its cluster manager, which shuts the member down. */
    public Future<Void> close() {
        return vertx.close();
    }
}
