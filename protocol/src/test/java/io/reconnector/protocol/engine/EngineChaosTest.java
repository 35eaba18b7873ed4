package io.reconnector.protocol.engine;

import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client engine and a server engine joined by a {@link LossyLink}, with simulated
 * applications on both ends writing checkable byte streams on many connections at once,
 * reading at uneven speeds, while the link is cut at random points again and again. Each
 * seed runs past 65,536 messages in each direction, so ids wrap.
 *
 * <p>Checked after every step: no sender ever exceeds its limit, no receiver holds more than
 * its window, no pending buffer grows past one application write. Checked at the end: every
 * byte each application wrote arrived once, in order, followed by its EOF, and every buffer
 * it wrote was released by the engines (none before it was done with, or reading it throws).
 */
class EngineChaosTest {
    private static final int WINDOW = 64 * 1024;
    private static final int MAX_WRITE = 3000;
    private static final int MESSAGES_PER_DIRECTION = 70_000;

    /** One end of one connection incarnation: what it writes and what it must receive. */
    private static final class End {
        final int incarnation;
        final boolean clientSide;
        final long toWrite;
        final long toReceive;
        long written;
        long received;
        long unconsumed;
        boolean reading;
        boolean eofWritten;
        boolean eofReceived;
        boolean closed;
        boolean slow;

        End(int incarnation, boolean clientSide, long toWrite, long toReceive) {
            this.incarnation = incarnation;
            this.clientSide = clientSide;
            this.toWrite = toWrite;
            this.toReceive = toReceive;
        }

        boolean complete() {
            return eofWritten && eofReceived && received == toReceive && closed;
        }
    }

    /** Every buffer the applications wrote, to check that each was released. */
    private final List<ByteBuf> reads = new ArrayList<>();
    private Random rnd;
    private LossyLink link;
    private final Map<Integer, End> clientEnds = new HashMap<>();
    private final Map<Integer, End> serverEnds = new HashMap<>();
    private final Map<Integer, long[]> sizes = new HashMap<>(); // incarnation -> {client→server, server→client}
    private final List<long[]> pendingDials = new ArrayList<>(); // {connectionId, token, incarnation}
    private int nextIncarnation = 1;
    /** Incarnations whose client application reset its connection: the server side sees an abort. */
    private final java.util.Set<Integer> aborted = new java.util.HashSet<>();
    private int completed;
    private int refused;
    private long clientIdsAssigned;
    private long serverIdsAssigned;
    private int lastClientNext;
    private int lastServerNext;

    private static byte streamByte(int incarnation, boolean fromClient, long offset) {
        return (byte) (incarnation * 31 + offset * 7 + (offset >>> 9) * 13 + (fromClient ? 101 : 0));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void everyByteArrivesOnceInOrderAcrossCutsAndIdWrap(long seed) {
        rnd = new Random(seed);
        EngineConfig config = EngineConfig.serverDefaults().withReceiveWindow(WINDOW).withMaxDataFrame(4096)
                .withTiming(1_000, 5_000);
        link = new LossyLink(config, 0xC0FFEEL, this::onClient, this::onServer);
        link.connect();

        int steps = 0;
        while (clientIdsAssigned < MESSAGES_PER_DIRECTION || serverIdsAssigned < MESSAGES_PER_DIRECTION
                || !clientEnds.isEmpty() || !serverEnds.isEmpty()) {
            boolean chaos = clientIdsAssigned < MESSAGES_PER_DIRECTION || serverIdsAssigned < MESSAGES_PER_DIRECTION;
            step(chaos);
            checkInvariants();
            if (++steps > 20_000_000) {
                fail("no progress: " + clientEnds.size() + " client ends, " + serverEnds.size() + " server ends open");
            }
        }
        assertTrue(link.cuts >= 20, "the link was cut " + link.cuts + " times");
        assertTrue(clientIdsAssigned > 65_536 && serverIdsAssigned > 65_536,
                "ids wrapped: client " + clientIdsAssigned + ", server " + serverIdsAssigned);
        assertTrue(completed > 50, completed + " connections completed");
        assertTrue(refused > 0, "some dials were refused and reported");
        assertEquals(List.of(), link.protocolErrors);
        link.client.dispose();
        link.server.dispose();
        long held = reads.stream().filter(b -> b.refCnt() != 0).count();
        assertEquals(0, held, "reads the engines still hold after they were disposed, of " + reads.size());
    }

    private void step(boolean chaos) {
        int r = rnd.nextInt(100);
        if (!link.up()) {
            if (r < 30) {
                link.connect();
            } else {
                appStep();
            }
            return;
        }
        if (chaos && r < 1 && rnd.nextInt(4) == 0) {
            link.cut();
        } else if (r < 25) {
            link.deliverToServer(1 + rnd.nextInt(20));
        } else if (r < 50) {
            link.deliverToClient(1 + rnd.nextInt(20));
        } else if (r < 52) {
            link.tick(1 + rnd.nextInt(100));
        } else if (r < 56 && !pendingDials.isEmpty()) {
            finishDial(pendingDials.remove(rnd.nextInt(pendingDials.size())));
        } else if (r < 58 && chaos && clientEnds.size() < 12) {
            openConnection();
        } else {
            appStep();
        }
        countIds();
    }

    private void countIds() {
        int cn = link.client.nextMessageId();
        clientIdsAssigned += (cn - lastClientNext) & 0xFFFF;
        lastClientNext = cn;
        if (link.server != null) {
            int sn = link.server.nextMessageId();
            serverIdsAssigned += (sn - lastServerNext) & 0xFFFF;
            lastServerNext = sn;
        }
    }

    private void openConnection() {
        int id = link.client.nextFreeConnectionId();
        int incarnation = nextIncarnation++;
        // Mostly small writes (many messages), some bulk connections (many bytes).
        boolean bulk = rnd.nextInt(5) == 0;
        long up = rnd.nextInt(bulk ? 400_000 : 20_000);
        long down = rnd.nextInt(bulk ? 400_000 : 20_000);
        sizes.put(incarnation, new long[] {up, down});
        End end = new End(incarnation, true, up, down);
        end.slow = rnd.nextInt(4) == 0;
        clientEnds.put(id, end);
        // The address carries the incarnation so the server side knows which streams to expect.
        onClient(link.client.open(id, new Ipv4Address(incarnation), 80));
    }

    private void finishDial(long[] dial) {
        int id = (int) dial[0];
        int incarnation = (int) dial[2];
        if (rnd.nextInt(10) == 0) {
            onServer(link.server.upstreamFailed(id, dial[1], ConnectFailed.ECONNREFUSED));
            return;
        }
        List<Effect> effects = link.server.upstreamConnected(id, dial[1]);
        if (effects.stream().noneMatch(e -> e instanceof Effect.AbandonDial)) {
            long[] s = sizes.get(incarnation);
            End end = new End(incarnation, false, s[1], s[0]);
            end.slow = rnd.nextInt(4) == 0;
            serverEnds.put(id, end);
        }
        onServer(effects);
    }

    /** An application writes, reads, or ends its stream on some connection. */
    private void appStep() {
        boolean clientSide = rnd.nextBoolean();
        Map<Integer, End> ends = clientSide ? clientEnds : serverEnds;
        if (ends.isEmpty()) {
            return;
        }
        List<Integer> ids = new ArrayList<>(ends.keySet());
        int id = ids.get(rnd.nextInt(ids.size()));
        End e = ends.get(id);
        SessionEngine engine = clientSide ? link.client : link.server;
        if (rnd.nextBoolean()) {
            if (e.unconsumed > 0 && (!e.slow || rnd.nextInt(8) == 0)) {
                int n = (int) Math.min(e.unconsumed, 1 + rnd.nextInt(WINDOW / 2));
                e.unconsumed -= n;
                apply(clientSide, engine.consumed(id, n));
            }
            return;
        }
        if (!e.reading || e.eofWritten) {
            return;
        }
        if (e.written == e.toWrite) {
            e.eofWritten = true;
            apply(clientSide, engine.localEof(id));
            return;
        }
        if (clientSide && rnd.nextInt(2000) == 0) {
            // The application resets its connection half way.
            e.closed = true;
            aborted.add(e.incarnation);
            clientEnds.remove(id);
            apply(true, engine.localClosed(id));
            return;
        }
        int n = (int) Math.min(e.toWrite - e.written, 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? MAX_WRITE : 40));
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = streamByte(e.incarnation, clientSide, e.written + i);
        }
        e.written += n;
        // Reference-counted, like a socket's pooled read: the engine must release each once,
        // and never read one after that (a released heap buffer throws).
        ByteBuf read = Unpooled.wrappedBuffer(bytes);
        reads.add(read);
        apply(clientSide, engine.write(id, BufferInternal.buffer(read)));
    }

    private void apply(boolean clientSide, List<Effect> effects) {
        if (clientSide) {
            onClient(effects);
        } else {
            onServer(effects);
        }
    }

    private void onClient(List<Effect> effects) {
        for (Effect e : effects) {
            if (e instanceof Effect.Send s) {
                link.clientSent(s.frame());
            } else if (e instanceof Effect.ConnectResult r) {
                if (r.errno() != 0) {
                    assertEquals(ConnectFailed.ECONNREFUSED, r.errno());
                    clientEnds.remove(r.connectionId());
                    refused++;
                }
            } else if (e instanceof Effect.Rejected) {
                fail("the server never forgets this session, yet rejected it");
            } else {
                common(e, clientEnds, true);
            }
        }
    }

    private void onServer(List<Effect> effects) {
        for (Effect e : effects) {
            if (e instanceof Effect.Send s) {
                link.serverSent(s.frame());
            } else if (e instanceof Effect.OpenUpstream o) {
                pendingDials.add(new long[] {o.connectionId(), o.token(), ((io.reconnector.protocol.frame.Ipv4Address) o.destination()).bits()});
            } else if (e instanceof Effect.AbandonDial) {
                // the client gave up on the connection while it was being dialled
            } else {
                common(e, serverEnds, false);
            }
        }
    }

    private void common(Effect e, Map<Integer, End> ends, boolean clientSide) {
        if (e instanceof Effect.Deliver d) {
            End end = ends.get(d.connectionId());
            if (end == null) {
                fail("data delivered to connection " + d.connectionId() + " that has no application");
            }
            Buffer data = d.data();
            for (int i = 0; i < data.length(); i++) {
                byte expected = streamByte(end.incarnation, !clientSide, end.received + i);
                if (data.getByte(i) != expected) {
                    fail("byte " + (end.received + i) + " of incarnation " + end.incarnation + " is wrong");
                }
            }
            end.received += data.length();
            end.unconsumed += data.length();
            assertTrue(end.received <= end.toReceive, "more bytes than were written");
        } else if (e instanceof Effect.DeliverEof eof) {
            End end = ends.get(eof.connectionId());
            assertEquals(end.toReceive, end.received, "EOF only after every byte");
            end.eofReceived = true;
        } else if (e instanceof Effect.CloseConnection c) {
            End end = ends.remove(c.connectionId());
            if (end == null) {
                return;
            }
            end.closed = true;
            if (!c.reason().graceful()
                    && !(c.reason() == CloseReason.ABORTED_BY_PEER && aborted.contains(end.incarnation))) {
                fail("connection closed for a protocol reason: " + c.reason());
            }
            if (end.complete()) {
                completed++;
            }
        } else if (e instanceof Effect.PauseReading p) {
            End end = ends.get(p.connectionId());
            if (end != null) {
                end.reading = false;
            }
        } else if (e instanceof Effect.ResumeReading p) {
            End end = ends.get(p.connectionId());
            if (end != null) {
                end.reading = true;
            }
        } else if (e instanceof Effect.TransportDead) {
            link.cut();
        } else if (e instanceof Effect.ProtocolError pe) {
            fail("protocol error between two correct engines", pe.error());
        } else if (e instanceof Effect.ExtensionsSettled settled) {
            assertTrue(settled.offered(), "two engines that both speak the extension agree on it, whatever the link loses");
        } else if (!(e instanceof Effect.Established)) {
            fail("unexpected effect " + e);
        }
    }

    private void checkInvariants() {
        check(link.client, clientEnds);
        if (link.server != null) {
            check(link.server, serverEnds);
        }
    }

    private static void check(SessionEngine engine, Map<Integer, End> ends) {
        assertTrue(engine.unackedCount() <= 32768);
        for (int id : ends.keySet()) {
            // A later window may announce up to 255 bytes less than the highest grant (whole
            // 256-byte units on a moving base, docs/PROTOCOL.md); the receiver enforces the highest.
            if (engine.sendRoom(id) < -255) {
                fail("connection " + id + " sent past its limit by " + -engine.sendRoom(id));
            }
            if (engine.unconsumedBytes(id) > WINDOW + 256) {
                fail("connection " + id + " holds " + engine.unconsumedBytes(id) + " bytes, window is " + WINDOW);
            }
            if (engine.pendingBytes(id) > MAX_WRITE) {
                fail("connection " + id + " holds " + engine.pendingBytes(id) + " unframed bytes");
            }
        }
    }
}
