package io.reconnector.store;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.UUID;

/** The contract against a real embedded Hazelcast member (a cluster of one). */
class HazelcastSessionStoreTest extends SessionStoreContract {
    private static Vertx vertx;
    private static HazelcastInstance member;
    private static SessionStore store;

    @BeforeAll
    static void startMember() {
        vertx = Vertx.vertx();
        String cluster = "store-test-" + UUID.randomUUID();
        member = Hazelcast.newHazelcastInstance(EmbeddedHazelcast.config(cluster, cluster, "127.0.0.1", 0, List.of()));
        store = new HazelcastSessionStore(member, vertx.getOrCreateContext());
    }

    @AfterAll
    static void stopMember() {
        member.shutdown();
        vertx.close();
    }

    @Override
    protected SessionStore store() {
        return store;
    }
}
