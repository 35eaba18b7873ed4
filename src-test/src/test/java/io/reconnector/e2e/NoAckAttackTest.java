package io.reconnector.e2e;

import io.reconnector.cli.demo.Firehose;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.TransportBuffers;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.relay.AddressRule;
import io.reconnector.relay.Limits;
import io.reconnector.relay.RawClient;
import io.reconnector.relay.RelayNode;
import io.reconnector.relay.RelayOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that grants the largest window on many connections to fast destinations and then
 * never acks: the relay must hold no more than its own budget, whatever the client grants.
 * It reads nothing (the transport's write queue fills and stops the session) or reads and drops
 * everything (the unacked bytes grow to the session's budget). Measured as live heap in this
 * JVM (after a full GC) plus the direct memory of the pool the relay reads destinations into
 * (it keeps those reads until acked), with the production store (an embedded Hazelcast
 * member), since session records are part of what a session costs. Before the budgets, 20 connections made
 * the relay hold over a gigabyte.
 *
 * <p>Its own JVM (the "own-jvm" fork, src-test/pom.xml): the heap measured is the whole JVM's,
 * and in the fork all other tests share, their leftovers added to it (once past the budget's
 * 10 %, in a full run).
 */
@Tag("own-jvm")
class NoAckAttackTest {
    private static final int CONNECTIONS = 20;
    private static final int MAX_WINDOW = 0xFFFF;
    /**
     * The session buffer the relay is given (--max-session-buffer), far below what the
     * connections' own buffers would allow (20 × 4 MiB), so the budget is what stops the relay;
     * and large enough that what the budget does not count, a read in flight per connection
     * (up to 64 KiB) and the session's own objects, fits in its 10 %. At 16 MiB (with 1 MiB per
     * connection) the relay held 15 to 17.6 MiB: the 10 % was that overhead alone.
     */
    private static final long BUDGET = 32L << 20;

    /**
     * The heap in use after full collections plus the pool's direct memory, the least of a few
     * readings: the relay's and the embedded Hazelcast member's threads keep working meanwhile,
     * and what they hold for a moment only ever adds to one reading.
     */
    private static long held() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                    + TransportBuffers.directMemory());
        }
        return least;
    }

    /**
     * A relay's first session builds what every later one shares (the store's map and its
     * partitions, meters, the dialer's pool, thread-local caches): one small session runs to its
     * end before the baseline, so the growth measured is what the attacker's session holds. (Not
     * doing so moved the baseline by megabytes from run to run, at the edge of the budget's 10 %.)
     */
    private static void firstSession(RelayNode node, Firehose upstream) throws Exception {
        try (RawClient w = new RawClient(node.relay().port())) {
            w.send(new StartSession(65));
            assertEquals(new SessionStarted(65, Serial16.NONE), w.next(SessionStarted.class));
            w.send(new NewConnection(0, 1, Ipv4Address.parse("127.0.0.1"), upstream.port()));
            Connected connected = w.next(Connected.class, x -> true, 10_000);
            w.send(new Ack(connected.messageId(), 4), new ConnectionClosed(1, 1));
            w.next(Ack.class, a -> a.messageId() == 1, 10_000);
            w.socket.shutdownOutput(); // no connection open: the session ends
            assertTrue(w.closedByRelay(5_000), "the first session ended");
        }
    }

    @ParameterizedTest(name = "the client reads: {0}")
    @ValueSource(booleans = {false, true})
    void aClientThatNeverAcksCannotMakeTheRelayHoldMoreThanItsBudget(boolean reads) throws Exception {
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofMinutes(5), Duration.ofSeconds(2),
                Duration.ofMinutes(5), 1 << 20, "noack").withLimits(Limits.defaults().withBuffers(BUDGET, 4 << 20));
        RelayNode node = RelayNode.start(options).toCompletionStage().toCompletableFuture().get();
        try (Firehose upstream = new Firehose(); RawClient c = new RawClient(node.relay().port())) {
            firstSession(node, upstream);
            long before = held();
            c.send(new StartSession(66));
            assertEquals(new SessionStarted(66, Serial16.NONE), c.next(SessionStarted.class));
            for (int i = 0; i < CONNECTIONS; i++) {
                c.send(new NewConnection(i, i + 1, Ipv4Address.parse("127.0.0.1"), upstream.port()));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                Connected connected = c.next(Connected.class, x -> true, 10_000);
                c.send(new Ack(connected.messageId(), MAX_WINDOW)); // 16 MiB on each connection
            }
            if (reads) {
                Firehose.discardEverything(c.socket.getInputStream());
            }
            // From here on the client acks nothing: wait until the destinations can push no more.
            Wait.untilStalled("the relay stops reading", Duration.ofSeconds(2), Duration.ofSeconds(60),
                    upstream.written::get);
            long grown = held() - before;
            System.out.printf("no-ack (reads: %s): destinations pushed %d MiB; relay's heap and pool grew %d MiB (budget %d MiB)%n",
                    reads, upstream.written.get() >> 20, grown >> 20, BUDGET >> 20);
            assertTrue(upstream.written.get() > BUDGET, "the destinations pushed past the budget: the test means something");
            assertTrue(grown <= BUDGET * 11 / 10, "heap and pool grew " + (grown >> 20) + " MiB; the budget is "
                    + (BUDGET >> 20) + " MiB (+10 %)");
            if (reads) {
                // The session holds its budget's worth for replay: the budget, not something else, stopped it.
                double held = node.relay().metrics().registry().get("reconnector.replay.buffer").gauge().value();
                assertTrue(held >= BUDGET * 0.9, "replay buffer " + ((long) held >> 20) + " MiB at the stall");
            }
        } finally {
            node.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
