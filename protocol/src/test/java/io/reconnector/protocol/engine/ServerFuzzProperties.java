package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.FrameType;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.buffer.Buffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A hostile client against the relay's side of a session. A real client engine drives
 * connections (opens, writes, closes, reads at its own pace) while the relay's upstream
 * sockets push data whenever the server engine lets them read; on the way to the server the
 * client's bytes are mutated (flipped, inserted, deleted, repeated, replaced by random frames)
 * and split anywhere. Whatever arrives: no exception escapes, the server stays within its
 * budgets, and an error closes only the transport — the session and its connections stay, and
 * the client reconnects and resumes (or the resume is refused with an error, never an
 * exception). With no mutation the session never sees an error at all.
 *
 * <p>Tries: 1,000 by default; {@code -Djqwik.tries.default=N} for a long run ({@code bench/fuzz}).
 */
class ServerFuzzProperties {
    private static final long SEND_CAP = 16 * 1024;
    private static final long BUDGET = 64 * 1024;
    private static final int WINDOW = 16 * 1024;
    private static final int LOCAL_READ = 16 * 1024;
    private static final int STEPS = 400;
    private static final double[] MUTATION_RATES = {0, 0.002, 0.01, 0.05};
    private static final EngineConfig CONFIG = EngineConfig.serverDefaults().withReceiveWindow(WINDOW)
            .withTiming(1000, 3000).withBuffers(SEND_CAP, BUDGET);
    /** The client grants more than the server's cap, so the server's own bounds are what holds. */
    private static final EngineConfig CLIENT_CONFIG = CONFIG.withReceiveWindow(64 * 1024);
    private static final Ipv4Address DESTINATION = Ipv4Address.parse("127.0.0.1");

    @Property
    void noStreamEscapesTheServerOrItsBudgets(@ForAll long seed) {
        Random random = new Random(seed);
        double rate = MUTATION_RATES[random.nextInt(MUTATION_RATES.length)];
        Run run = new Run(random, rate);
        for (int i = 0; i < STEPS && !run.over; i++) {
            run.step();
        }
        if (rate == 0) {
            assertEquals(0, run.errors, "an unmutated client never causes an error");
        }
        // How far hostile streams get, so a change that makes them all fail at once shows here.
        Statistics.label("errors per run").collect(run.errors == 0 ? "0" : run.errors < 5 ? "1-4" : "5+");
        Statistics.label("frames handled").collect(run.handled < 100 ? "<100" : run.handled < 1000 ? "100-999" : "1000+");
        Statistics.label("first error").collect(run.firstError);
        Statistics.label("server reached its budget").collect(run.budgetReached);
    }

    /** A session's life: client engine, mutating wire, decoder, server engine, local and upstream sockets. */
    private static final class Run {
        final Random random;
        final double rate;
        /** How often the client's applications take what was delivered to them. */
        final double consumeRate;
        final ClientSessionEngine client = new ClientSessionEngine(7, CLIENT_CONFIG);
        final ServerSessionEngine server = new ServerSessionEngine(7, CONFIG);
        FrameDecoder decoder = new FrameDecoder();
        /** Mutated client bytes not yet handed to the server's decoder. */
        Buffer wire = Buffer.buffer();
        final List<Frame> toClient = new ArrayList<>();
        final Set<Integer> clientReading = new HashSet<>();
        final Set<Integer> serverReading = new HashSet<>();
        final Map<Integer, Long> dialling = new HashMap<>();
        boolean transportUp;
        boolean handshakeDone;
        boolean over;
        int errors;
        int handled;
        String firstError = "none";
        boolean budgetReached;
        long now;

        Run(Random random, double rate) {
            this.random = random;
            this.rate = rate;
            this.consumeRate = random.nextBoolean() ? 0.05 : 0.5; // a slow reader, or a quick one
            connect();
        }

        void connect() {
            transportUp = true;
            handshakeDone = false;
            decoder = new FrameDecoder();
            wire = Buffer.buffer();
            toClient.clear();
            fromClient(client.attach(now));
        }

        void step() {
            now += random.nextInt(30);
            if (!transportUp) {
                connect();
                return;
            }
            switch (random.nextInt(8)) {
                case 0 -> {
                    int id = client.nextFreeConnectionId();
                    if (client.connectionCount() < 24 && id > 0) {
                        fromClient(client.open(id, DESTINATION, 80));
                    }
                }
                case 1, 2 -> anyOf(clientReading).ifPresent(id -> fromClient(client.write(id, bytes(LOCAL_READ))));
                case 3, 5 -> anyOf(serverReading).ifPresent(id -> fromServer(server.write(id, bytes(LOCAL_READ))));
                case 4 -> anyConnection().ifPresent(id -> fromClient(random.nextBoolean() ? client.localEof(id)
                        : client.localClosed(id)));
                default -> { }
            }
            finishDials();
            fromClient(client.flush());
            fromClient(client.tick(now));
            deliverToServer();
            if (transportUp && handshakeDone) {
                fromServer(server.flush());
                fromServer(server.tick(now));
            }
            deliverToClient();
            checkBudgets();
        }

        /** Hands the server some of the wire, in a random split, as a socket would. */
        void deliverToServer() {
            while (transportUp && wire.length() > 0) {
                int n = 1 + random.nextInt(Math.min(wire.length(), random.nextBoolean() ? 9 : 70_000));
                Buffer chunk = wire.getBuffer(0, n);
                wire = wire.getBuffer(n, wire.length());
                try {
                    decoder.feed(chunk, this::serverReceives);
                } catch (ProtocolException e) {
                    error("decoder: " + e.violation());
                }
                assertTrue(decoder.buffered() <= FrameType.MAX_FRAME_SIZE, "decoder holds " + decoder.buffered());
            }
        }

        void serverReceives(Frame frame) {
            if (!transportUp) {
                return; // the rest of a chunk read before the relay closed the transport
            }
            handled++;
            if (!handshakeDone) { // the relay's router, not the engine, takes the handshake
                handshakeDone = true;
                if (frame instanceof StartSession) {
                    fromServer(server.start(now));
                } else if (frame instanceof ReconnectSession r) {
                    List<Effect> effects = server.resume(r.lastAcked(), now);
                    if (effects.stream().anyMatch(e -> e instanceof Effect.ProtocolError)) {
                        errors++;
                        over = true; // a resume the stream's damage made unreconcilable: refused, no exception
                        transportUp = false;
                        return;
                    }
                    fromServer(effects);
                } else {
                    error("handshake: " + frame.type()); // the relay refuses a transport that does not start with one
                }
                return;
            }
            int connectionsBefore = server.connectionCount();
            List<Effect> effects = server.receive(frame);
            Effect.ProtocolError error = (Effect.ProtocolError) effects.stream()
                    .filter(e -> e instanceof Effect.ProtocolError).findFirst().orElse(null);
            if (error != null) {
                assertEquals(SessionEngine.Link.DETACHED, server.link(), "an error detaches the transport");
                assertEquals(connectionsBefore, server.connectionCount(), "... and closes no connection");
                assertTrue(effects.stream().noneMatch(e -> e instanceof Effect.CloseConnection), effects.toString());
                error("server: " + error.error().violation());
                return;
            }
            fromServer(effects);
        }

        void deliverToClient() {
            while (transportUp && !toClient.isEmpty()) {
                List<Effect> effects = client.receive(toClient.remove(0));
                fromClient(effects);
            }
        }

        /** The transport closes: both sides learn of it, the client will reconnect. */
        void error(String what) {
            errors++;
            if (errors == 1) {
                firstError = what.replaceAll(": .*", "");
            }
            transportUp = false;
            fromServer(server.transportLost());
            fromClient(client.transportLost());
        }

        /** Effects run in order, as the edge's EffectApplier runs them: what one causes queues behind the rest. */
        final java.util.ArrayDeque<Effect> clientQueue = new java.util.ArrayDeque<>();
        final java.util.ArrayDeque<Effect> serverQueue = new java.util.ArrayDeque<>();
        boolean clientRunning;
        boolean serverRunning;

        void fromClient(List<Effect> effects) {
            clientQueue.addAll(effects);
            if (clientRunning) {
                return;
            }
            clientRunning = true;
            Effect e;
            while ((e = clientQueue.poll()) != null) {
                if (e instanceof Effect.Send s && transportUp) {
                    Buffer frame = s.frame().encode();
                    boolean handshake = s.frame() instanceof StartSession || s.frame() instanceof ReconnectSession;
                    wire.appendBuffer(handshake || random.nextDouble() >= rate ? frame : Mutation.apply(frame, random));
                } else if (e instanceof Effect.ProtocolError p) {
                    fail("the client saw the server break the protocol: " + p.error().getMessage());
                } else if (e instanceof Effect.Rejected r) {
                    over = true; // e.g. a mutated ack made the server drop frames the client never had
                } else if (e instanceof Effect.ResumeReading r) {
                    clientReading.add(r.connectionId());
                } else if (e instanceof Effect.PauseReading p) {
                    clientReading.remove(p.connectionId());
                } else if (e instanceof Effect.CloseConnection c) {
                    clientReading.remove(c.connectionId());
                } else if (e instanceof Effect.Deliver d && random.nextDouble() < consumeRate) {
                    fromClient(client.consumed(d.connectionId(), d.data().length()));
                }
            }
            clientRunning = false;
        }

        void fromServer(List<Effect> effects) {
            serverQueue.addAll(effects);
            if (serverRunning) {
                return;
            }
            serverRunning = true;
            Effect e;
            while ((e = serverQueue.poll()) != null) {
                if (e instanceof Effect.Send s) {
                    if (transportUp) {
                        toClient.add(s.frame());
                    }
                } else if (e instanceof Effect.OpenUpstream o) {
                    dialling.put(o.connectionId(), o.token());
                } else if (e instanceof Effect.ResumeReading r) {
                    serverReading.add(r.connectionId());
                } else if (e instanceof Effect.PauseReading p) {
                    serverReading.remove(p.connectionId());
                } else if (e instanceof Effect.CloseConnection c) {
                    serverReading.remove(c.connectionId());
                } else if (e instanceof Effect.Deliver d && random.nextBoolean()) {
                    fromServer(server.consumed(d.connectionId(), d.data().length()));
                }
            }
            serverRunning = false;
        }

        void finishDials() {
            for (Map.Entry<Integer, Long> d : List.copyOf(dialling.entrySet())) { // dials end in their own time
                if (random.nextBoolean()) {
                    dialling.remove(d.getKey());
                    fromServer(random.nextInt(4) == 0 ? server.upstreamFailed(d.getKey(), d.getValue(), 111)
                            : server.upstreamConnected(d.getKey(), d.getValue()));
                }
            }
        }

        void checkBudgets() {
            assertTrue(server.bufferedBytes() <= BUDGET + LOCAL_READ, "server buffers " + server.bufferedBytes());
            budgetReached |= server.bufferedBytes() >= BUDGET;
            assertTrue(server.unackedCount() <= CONFIG.maxUnacked(), "unacked " + server.unackedCount());
            for (int id = 1; id <= 64; id++) {
                assertTrue(server.unconsumedBytes(id) <= WINDOW, "connection " + id + " holds " + server.unconsumedBytes(id));
            }
        }

        java.util.Optional<Integer> anyOf(Set<Integer> ids) {
            return ids.isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(List.copyOf(ids).get(random.nextInt(ids.size())));
        }

        java.util.Optional<Integer> anyConnection() {
            List<Integer> open = new ArrayList<>();
            for (int id = 1; id <= 64; id++) {
                if (client.hasConnection(id)) {
                    open.add(id);
                }
            }
            return open.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(open.get(random.nextInt(open.size())));
        }

        Buffer bytes(int max) {
            byte[] b = new byte[1 + random.nextInt(max)];
            random.nextBytes(b);
            return Buffer.buffer(b);
        }
    }
}
