package io.reconnector.relay;

import io.reconnector.edge.HostPort;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.store.SessionKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A whole node (Hazelcast member, Vert.x, shards) asked for three event loops: each shard runs
 * on a thread of its own, and sessions recorded in the cluster's store are resumed from any of
 * them, whichever shard serves them.
 */
class RelayNodeLoopsTest {
    private static final int LOOPS = 3;

    @Test
    void eachShardHasALoopOfItsOwnAndEverySessionResumesFromAnyOfThem() throws Exception {
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofMinutes(1), Duration.ofSeconds(2),
                Duration.ofSeconds(10), 64 * 1024, "loops");
        RelayNode node = RelayNode.start(options, LOOPS).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            List<Relay> shards = node.relay().shards().all();
            assertEquals(LOOPS, shards.size());
            Set<Thread> threads = new HashSet<>();
            for (Relay shard : shards) {
                CompletableFuture<Thread> t = new CompletableFuture<>();
                shard.onLoop(() -> t.complete(Thread.currentThread()));
                threads.add(t.get(10, TimeUnit.SECONDS));
            }
            assertEquals(LOOPS, threads.size(), "one thread per shard: " + threads);

            Set<Relay> serving = new HashSet<>();
            for (long id = 1; id <= LOOPS; id++) {
                try (RawClient c = new RawClient(node.relay().port())) {
                    c.send(new StartSession(id));
                    assertEquals(new SessionStarted(id, Serial16.NONE), c.next(SessionStarted.class));
                    serving.add(node.relay().shards().session(SessionKey.anonymous(id)).relay);
                    c.socket.setSoLinger(true, 0); // a reset: the session only detaches
                }
            }
            assertEquals(LOOPS, serving.size(), "sessions started one after another land on every shard");
            for (long id = 1; id <= LOOPS; id++) {
                for (int attempt = 0; attempt < LOOPS; attempt++) { // so each lands on every loop once
                    try (RawClient c = new RawClient(node.relay().port())) {
                        c.send(new ReconnectSession(id, Serial16.NONE));
                        assertEquals(new SessionStarted(id, Serial16.NONE), c.next(SessionStarted.class),
                                "session " + id + " resumed, attempt " + attempt);
                        c.socket.setSoLinger(true, 0);
                    }
                }
            }
            assertEquals(LOOPS * (LOOPS - 1), node.relay().metrics().bridges(), "the other loops bridged to the home");
        } finally {
            node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
