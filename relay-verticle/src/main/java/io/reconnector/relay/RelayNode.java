package io.reconnector.relay;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.reconnector.edge.AdminServer;
import io.reconnector.edge.Event;
import io.reconnector.edge.Metrics;
import io.reconnector.store.EmbeddedHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A running relay node: an embedded Hazelcast member (a cluster of one unless members are
 * given), a Vert.x instance clustered through it (the event bus carries control messages
 * between nodes), and the relay verticle.
 */
public final class RelayNode {
    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final List<Relay> shards;
    private final Relay relay;
    private final AdminServer admin;

    private RelayNode(Vertx vertx, HazelcastInstance hazelcast, List<Relay> shards, AdminServer admin) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.shards = shards;
        this.relay = shards.get(0);
        this.admin = admin;
    }

    /**
     * Starts each shard on an event loop of its own, the first (which binds the ports) before
     * the others (which join them). Deploying them as verticles would not do: a deployment takes
     * the next loop in turn, and the event bus and Hazelcast take loops too, so two shards could
     * share one. Vert.x's context builder names the loop.
     */
    static Future<Void> startShards(Vertx vertx, List<Relay> shards) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : ((VertxInternal) vertx).nettyEventLoopGroup()) {
            loops.add((EventLoop) e);
        }
        Future<Void> started = Future.succeededFuture();
        for (int i = 0; i < shards.size(); i++) {
            Relay shard = shards.get(i);
            ContextInternal context = ((VertxInternal) vertx).contextBuilder().withEventLoop(loops.get(i % loops.size()))
                    .build();
            started = started.compose(v -> {
                Promise<Void> up = Promise.promise();
                context.runOnContext(x -> {
                    shard.init(vertx, context);
                    shard.start().<Void>mapEmpty().onComplete(up);
                });
                return up.future();
            });
        }
        return started;
    }

    /** A node with one event loop per available processor. */
    public static Future<RelayNode> start(RelayOptions options) {
        return start(options, Runtime.getRuntime().availableProcessors());
    }

    /** A node whose sessions are spread over {@code eventLoops} event loops (one relay shard on each). */
    public static Future<RelayNode> start(RelayOptions options, int eventLoops) {
        return start(options, eventLoops, io.reconnector.edge.VertxSetup.DEFAULT_BUSY_POLL);
    }

    /**
     * A node whose sessions are spread over {@code eventLoops} event loops, each of which polls
     * for up to {@code busyPoll} before it sleeps (zero: never).
     */
    public static Future<RelayNode> start(RelayOptions options, int eventLoops, java.time.Duration busyPoll) {
        ClusterOptions c = options.cluster();
        Config config = EmbeddedHazelcast.config(c.hazelcastClusterName(), options.nodeName(), c.host(), c.port(),
                c.members());
        if (c.dns() != null) {
            EmbeddedHazelcast.useKubernetesDns(config, c.dns(), c.port());
        }
        // The cluster manager starts the member itself, so it can tag it with Vert.x's node id.
        HazelcastClusterManager manager = new HazelcastClusterManager(config);
        Metrics metrics = new Metrics();
        // Each shard needs a loop of its own; the event bus and the admin port share them.
        return io.reconnector.edge.VertxSetup.relay(metrics.builder(io.reconnector.edge.VertxSetup.options()
                        .setEventLoopPoolSize(eventLoops)
                        .setEventBusOptions(new EventBusOptions().setHost(c.host()).setPort(c.eventBusPort()))), busyPoll)
                .withClusterManager(manager)
                .buildClustered()
                .compose(vertx -> {
                    HazelcastInstance hz = manager.getHazelcastInstance();
                    List<Relay> shards = RelayShards.forNode(options, hz, eventLoops);
                    Relay relay = shards.get(0);
                    relay.shards().meterInto(metrics.registry());
                    watchMembers(hz, relay, metrics);
                    AdminServer admin = options.adminListen() == null ? null : new AdminServer(vertx, metrics)
                            .readyWhen("client-port", relay::serving)
                            .readyWhen("cluster", () -> hz.getLifecycleService().isRunning()
                                    && hz.getCluster().getLocalMember() != null);
                    // The admin port listens first, so the destination policy knows it as one of ours.
                    return (admin == null ? Future.succeededFuture(0) : admin.listen(options.adminListen()))
                            .compose(adminPort -> {
                                Set<Integer> ownPorts = new HashSet<>(Set.of(
                                        hz.getCluster().getLocalMember().getAddress().getPort(), manager.getNodeInfo().port()));
                                if (admin != null) {
                                    ownPorts.add(adminPort);
                                }
                                relay.shards().clusterPorts(ownPorts);
                                return startShards(vertx, shards).map(v -> adminPort);
                            })
                            .map(adminPort -> {
                                RelayNode node = new RelayNode(vertx, hz, shards, admin);
                                if (admin != null) {
                                    relay.log().info(Event.ADMIN_LISTENING, "admin on " + options.adminListen().host() + ":"
                                            + adminPort + " (" + AdminServer.METRICS + ", " + AdminServer.HEALTHZ + ", "
                                            + AdminServer.READYZ + ")", "port", adminPort);
                                }
                                return node;
                            })
                            .onFailure(t -> vertx.close());
                });
    }

    /** Says who is in the cluster when it changes (and now), and keeps a gauge of how many. */
    private static void watchMembers(HazelcastInstance hz, Relay relay, Metrics metrics) {
        io.micrometer.core.instrument.Gauge.builder("reconnector.cluster.members", hz,
                        h -> h.getLifecycleService().isRunning() ? h.getCluster().getMembers().size() : 0)
                .description("cluster members this node sees").register(metrics.registry());
        Runnable say = () -> {
            Set<com.hazelcast.cluster.Member> members = hz.getCluster().getMembers();
            relay.clusterMembers(members.size());
            relay.log().info(Event.CLUSTER_MEMBERS, "cluster: " + members.size() + " members ("
                    + members.stream().map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort())
                    .collect(java.util.stream.Collectors.joining(", ")) + ")", "members", members.size());
        };
        hz.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
                say.run();
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
                say.run();
            }
        });
        say.run();
    }

    public Relay relay() {
        return relay;
    }

    /**
     * Graceful drain (see {@link Relay#drain()}), run on the relay's own event loop; fails when
     * session records could not be written. Readiness turns 503 before anything else happens.
     */
    public Future<Void> drain() {
        relay.drainRequested();
        CompletableFuture<Void> done = new CompletableFuture<>();
        relay.onLoop(() -> relay.drain().onComplete(ar -> {
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
        List<Future<Void>> stopped = shards.stream().map(shard -> {
            Promise<Void> done = Promise.promise();
            shard.onLoop(() -> shard.stop().<Void>mapEmpty().onComplete(done));
            return done.future();
        }).toList();
        return Future.join(stopped).<Void>mapEmpty()
                .eventually(() -> admin == null ? Future.<Void>succeededFuture() : admin.close())
                .eventually(vertx::close);
    }
}
