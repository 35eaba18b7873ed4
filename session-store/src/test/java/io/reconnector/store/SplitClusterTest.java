package io.reconnector.store;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes that each formed a cluster of their own (one started before it could reach the
 * other) find each other within seconds, and a session started on either side of the split is
 * known on both afterwards. Hazelcast's default would leave them apart for five minutes, with
 * every client that returns through the other side rejected.
 */
class SplitClusterTest {
    @Test
    void clustersThatFormedApartMergeWithinSecondsAndKeepEverySession() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        ClusterKeys keys = new ClusterKeys(secret);
        String clusterName = keys.clusterName("split-test-" + UUID.randomUUID());
        int portA = freePort();
        int portB = freePort();
        Vertx vertx = Vertx.vertx();
        HazelcastInstance b = null;
        // a lists b, which is not up yet: a forms a cluster of one. b lists only itself, so it forms
        // its own; only a's search for split-off clusters can bring them together.
        HazelcastInstance a = Hazelcast.newHazelcastInstance(EmbeddedHazelcast.config(clusterName, "a", "127.0.0.1",
                portA, List.of("127.0.0.1:" + portB)));
        try {
            b = Hazelcast.newHazelcastInstance(EmbeddedHazelcast.config(clusterName, "b", "127.0.0.1", portB,
                    List.of("127.0.0.1:" + portB)));
            assertEquals(1, a.getCluster().getMembers().size(), "the nodes start apart");
            assertEquals(1, b.getCluster().getMembers().size(), "the nodes start apart");
            SessionStore storeA = new HazelcastSessionStore(a, vertx.getOrCreateContext(), keys);
            SessionStore storeB = new HazelcastSessionStore(b, vertx.getOrCreateContext(), keys);
            SessionKey onA = new SessionKey("", 1);
            SessionKey onB = new SessionKey("", 2);
            get(storeA.start(onA, "a", 1));
            get(storeB.start(onB, "b", 1));
            assertTrue(get(storeA.get(onB)).isEmpty(), "while split, a does not know b's session");

            HazelcastInstance bb = b;
            await("the two clusters merge").atMost(Duration.ofSeconds(EmbeddedHazelcast.MERGE_DELAY_SECONDS * 4L))
                    .until(() -> a.getCluster().getMembers().size() == 2 && bb.getCluster().getMembers().size() == 2);
            // b's member restarts its services as it merges: use the store of the member as it is now.
            SessionStore afterA = new HazelcastSessionStore(a, vertx.getOrCreateContext(), keys);
            SessionStore afterB = new HazelcastSessionStore(bb, vertx.getOrCreateContext(), keys);
            await("both sessions are known on both nodes").atMost(Duration.ofSeconds(30)).until(() ->
                    get(afterA.get(onA)).isPresent() && get(afterA.get(onB)).isPresent()
                            && get(afterB.get(onA)).isPresent() && get(afterB.get(onB)).isPresent());
        } finally {
            a.shutdown();
            if (b != null) {
                b.shutdown();
            }
            vertx.close();
        }
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
