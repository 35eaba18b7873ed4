package io.reconnector.relay;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.reconnector.store.HazelcastFutures;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which relay nodes exist and which are alive. A node is alive while its Hazelcast member is
 * in the cluster; a killed member is noticed within a second, so "the home is gone" is a
 * membership fact, not a timeout of ours.
 */
interface Directory {
    Future<Void> register(NodeInfo self);

    Future<Optional<NodeInfo>> lookup(String name);

    boolean alive(NodeInfo node);

    String localMemberId();

    /** Nodes in one cluster: an IMap of NodeInfo, liveness from Hazelcast membership. */
    final class Hazelcast implements Directory {
        private final HazelcastInstance hz;
        private final IMap<String, NodeInfo> nodes;
        private final Context context;

        Hazelcast(HazelcastInstance hz, Context context) {
            this.hz = hz;
            this.nodes = hz.getMap("reconnector-nodes");
            this.context = context;
        }

        @Override
        public Future<Void> register(NodeInfo self) {
            return HazelcastFutures.on(context, nodes.setAsync(self.name(), self));
        }

        @Override
        public Future<Optional<NodeInfo>> lookup(String name) {
            return HazelcastFutures.on(context, nodes.getAsync(name)).map(Optional::ofNullable);
        }

        @Override
        public boolean alive(NodeInfo node) {
            for (Member m : hz.getCluster().getMembers()) {
                if (m.getUuid().toString().equals(node.memberId())) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String localMemberId() {
            return hz.getCluster().getLocalMember().getUuid().toString();
        }
    }

    /** A node without a cluster: it knows only itself. */
    final class Local implements Directory {
        private final ConcurrentMap<String, NodeInfo> nodes = new ConcurrentHashMap<>();

        @Override
        public Future<Void> register(NodeInfo self) {
            nodes.put(self.name(), self);
            return Future.succeededFuture();
        }

        @Override
        public Future<Optional<NodeInfo>> lookup(String name) {
            return Future.succeededFuture(Optional.ofNullable(nodes.get(name)));
        }

        @Override
        public boolean alive(NodeInfo node) {
            return nodes.containsKey(node.name());
        }

        @Override
        public String localMemberId() {
            return "local";
        }
    }
}
