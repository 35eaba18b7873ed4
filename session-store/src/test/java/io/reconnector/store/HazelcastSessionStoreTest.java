package io.reconnector.store;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract against a real embedded Hazelcast member (a cluster of one), and what sealing adds. */
class HazelcastSessionStoreTest extends SessionStoreContract {
    private static final byte[] PASSWORD = "hunter2-inside-a-stream".getBytes(StandardCharsets.US_ASCII);
    private static Vertx vertx;
    private static HazelcastInstance member;
    private static ClusterKeys keys;
    private static SessionStore store;
    private static String clusterName;

    @BeforeAll
    static void startMember() {
        vertx = Vertx.vertx();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        keys = new ClusterKeys(secret);
        clusterName = keys.clusterName("store-test-" + UUID.randomUUID());
        member = Hazelcast.newHazelcastInstance(EmbeddedHazelcast.config(clusterName, clusterName, "127.0.0.1", 0, List.of()));
        store = new HazelcastSessionStore(member, vertx.getOrCreateContext(), keys);
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

    private static IMap<String, SealedRecord> map() {
        return member.getMap(HazelcastSessionStore.MAP_NAME);
    }

    /** A record holding a password inside an unacknowledged Data frame, as a relay would write it. */
    private static SessionRecord withSecretPayload(SessionKey key) throws Exception {
        SessionRecord r = await(store.start(key, "n1", 1)).record();
        byte[] frame = new byte[9 + PASSWORD.length];
        frame[0] = 0x1f;
        frame[8] = (byte) PASSWORD.length;
        System.arraycopy(PASSWORD, 0, frame, 9, PASSWORD.length);
        SessionRecord progressed = r.withProgress(3, 4, List.of(new ConnectionRecord(1, "10.1.2.3", 5432, "n1",
                ConnectionRecord.State.OPEN)), List.of(frame));
        assertTrue(await(store.update(progressed)));
        return progressed;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aDumpOfTheMapRevealsNeitherPayloadNorDestinations() throws Exception {
        SessionKey key = newKey();
        withSecretPayload(key);
        SealedRecord raw = map().get(key.storeKey());
        assertFalse(contains(raw.sealed(), PASSWORD), "the password is not in the stored bytes");
        assertFalse(contains(raw.sealed(), "10.1.2.3".getBytes(StandardCharsets.US_ASCII)), "nor the destination");
        assertEquals(3, await(store.get(key)).orElseThrow().lastClientHandled(), "a node with the secret reads it");
    }

    @Test
    void aRecordAlteredInTheMapIsRefused() throws Exception {
        SessionKey key = newKey();
        withSecretPayload(key);
        SealedRecord raw = map().get(key.storeKey());
        byte[] flipped = raw.sealed().clone();
        flipped[flipped.length - 20] ^= 1;
        map().put(key.storeKey(), new SealedRecord(raw.key(), raw.epoch(), raw.homeNode(), raw.attached(),
                raw.changedAt(), flipped));
        ExecutionException sealBroken = assertThrows(ExecutionException.class, () -> await(store.get(key)));
        assertInstanceOf(SessionStore.RefusedRecord.class, sealBroken.getCause());

        map().put(key.storeKey(), new SealedRecord(raw.key(), raw.epoch(), "mallory's node", raw.attached(),
                raw.changedAt(), raw.sealed()));
        ExecutionException moved = assertThrows(ExecutionException.class, () -> await(store.get(key)));
        assertInstanceOf(SessionStore.RefusedRecord.class, moved.getCause(), "a clear field changed");

        SessionKey other = newKey();
        map().put(other.storeKey(), new SealedRecord(other.storeKey(), raw.epoch(), raw.homeNode(), raw.attached(),
                raw.changedAt(), raw.sealed()));
        ExecutionException copied = assertThrows(ExecutionException.class, () -> await(store.get(other)));
        assertInstanceOf(SessionStore.RefusedRecord.class, copied.getCause(), "a seal moved to another session");
    }

    @Test
    void aRecordSealedWithAnotherSecretIsRefused() throws Exception {
        SessionKey key = newKey();
        byte[] otherSecret = new byte[32];
        new SecureRandom().nextBytes(otherSecret);
        SessionStore forger = new HazelcastSessionStore(member, vertx.getOrCreateContext(), new ClusterKeys(otherSecret));
        await(forger.start(key, "forged", 1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(store.get(key)));
        assertInstanceOf(SessionStore.RefusedRecord.class, e.getCause());
    }

    @Test
    void noHazelcastClientCanConnectEvenWithTheRightClusterName() {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.getNetworkConfig().addAddress("127.0.0.1:" + member.getCluster().getLocalMember().getAddress().getPort());
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(2000);
        config.setProperty("hazelcast.logging.type", "slf4j");
        assertThrows(IllegalStateException.class, () -> HazelcastClient.newHazelcastClient(config).shutdown(),
                "members accept no client connections");
    }

    /**
     * Hazelcast runs plain callbacks on its default executor, which on a machine of two cores or
     * fewer (this one, CI, a small pod) starts a thread for each: the store must not use it.
     */
    @Test
    void callsStartNoThreadEach() throws Exception {
        SessionKey key = newKey();
        await(store.start(key, "n1", 1));
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();
        for (int i = 0; i < 200; i++) {
            assertTrue(await(store.get(key)).isPresent());
        }
        long started = threads.getTotalStartedThreadCount() - before;
        assertTrue(started < 20, started + " threads started for 200 reads");
    }

    /**
     * Records, fenced writes and the count's predicate cross members in the store's own format:
     * Java serialization wrote class descriptors with each and read them back reflectively, a
     * third of a relay's CPU in a connect loop.
     */
    @Test
    void recordsTravelInTheStoresOwnFormat() throws Exception {
        SessionKey key = newKey();
        withSecretPayload(key);
        SealedRecord raw = map().get(key.storeKey());
        com.hazelcast.internal.serialization.SerializationService ss =
                ((com.hazelcast.spi.impl.SerializationServiceSupport) member).getSerializationService();
        HazelcastSessionStore.Write write = new HazelcastSessionStore.Write(raw.epoch(), raw);
        HazelcastSessionStore.Write removal = new HazelcastSessionStore.Write(7, null);
        HazelcastSessionStore.OfIdentity count = new HazelcastSessionStore.OfIdentity("alice", key.storeKey());
        for (Object o : List.of(raw, write, removal, count)) {
            com.hazelcast.internal.serialization.Data data = ss.toData(o);
            assertFalse(contains(data.toByteArray(), "io.reconnector".getBytes(StandardCharsets.US_ASCII)),
                    o.getClass().getSimpleName() + " carries no class descriptor");
            assertTrue(data.getType() > 0, "a custom serializer's type id");
        }
        SealedRecord back = ss.toObject(ss.toData(raw));
        assertEquals(List.of(raw.key(), raw.epoch(), raw.homeNode(), raw.attached(), raw.changedAt()),
                List.of(back.key(), back.epoch(), back.homeNode(), back.attached(), back.changedAt()));
        assertTrue(java.util.Arrays.equals(raw.sealed(), back.sealed()));
        HazelcastSessionStore.Write w = ss.toObject(ss.toData(write));
        assertEquals(raw.epoch(), w.expectedEpoch());
        assertTrue(java.util.Arrays.equals(raw.sealed(), w.next().sealed()));
        assertEquals(null, ((HazelcastSessionStore.Write) ss.toObject(ss.toData(removal))).next());
        assertEquals(count, ss.toObject(ss.toData(count)));
    }

    @Test
    void theClusterNameNeedsTheSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String a = new ClusterKeys(secret).clusterName("reconnector");
        assertEquals(a, new ClusterKeys(secret.clone()).clusterName("reconnector"), "every node computes the same name");
        secret[0] ^= 1;
        assertFalse(a.equals(new ClusterKeys(secret).clusterName("reconnector")), "another secret, another name");
        assertTrue(a.startsWith("reconnector-") && a.length() > "reconnector-".length() + 16);
        assertTrue(a.contains("-store" + StoreSerializers.FORMAT + "-"),
                "members writing records in another format never join: " + a);
    }
}
