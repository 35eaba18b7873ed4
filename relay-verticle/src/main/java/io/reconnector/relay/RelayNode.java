package io.reconnector.relay;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.reconnector.store.EmbeddedHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A running relay node: an embedded Hazelcast member (a cluster of one unless members are
 * given), a Vert.x instance, and the relay verticle.
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
        Vertx vertx = Vertx.vertx();
        return vertx.executeBlocking(() -> Hazelcast.newHazelcastInstance(EmbeddedHazelcast.config(
                        options.clusterName(), options.nodeName(), options.clusterHost(),
                        options.clusterPort(), options.clusterMembers())))
                .compose(hz -> {
                    Relay relay = new Relay(options, hz);
                    return vertx.deployVerticle(relay).map(id -> new RelayNode(vertx, hz, relay));
                })
                .onFailure(t -> vertx.close());
    }

    public Relay relay() {
        return relay;
    }

    public Future<Void> close() {
        // Hazelcast's shutdown blocks; it runs after Vert.x is gone, on a thread of its own.
        return vertx.close().eventually(() -> Future.fromCompletionStage(
                java.util.concurrent.CompletableFuture.runAsync(hazelcast::shutdown)));
    }
}
