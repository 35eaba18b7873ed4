package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameType;
import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.Ipv6Address;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The names-and-IPv6 extension's negotiation: both sides that speak it agree in one round trip,
 * and a seed-only peer on either side never receives a frame or a value it does not know.
 */
class ExtensionsTest {
    private static final EngineConfig OURS = EngineConfig.serverDefaults().withReceiveWindow(4096).withTiming(1000, 3000);
    private static final EngineConfig SEED = OURS.withExtensions(false);
    private static final HostName NAME = new HostName("db.internal");

    /** Two engines joined by a perfect wire: every frame one sends, the other receives, and everything is recorded. */
    private static final class Wire {
        final ClientSessionEngine client;
        final ServerSessionEngine server;
        final List<Frame> toServer = new ArrayList<>();
        final List<Frame> toClient = new ArrayList<>();
        final List<Effect> clientEffects = new ArrayList<>();
        final List<Effect> serverEffects = new ArrayList<>();

        Wire(EngineConfig clientConfig, EngineConfig serverConfig) {
            client = new ClientSessionEngine(7, clientConfig);
            server = new ServerSessionEngine(7, serverConfig);
        }

        void start() {
            fromClient(client.attach(0)); // Start Session: the test answers it with the server's start()
            fromServer(server.start(0));
            settle();
        }

        /** Delivers frames both ways, flushing acks, until neither side has anything more to say. */
        void settle() {
            for (int i = 0; i < 10; i++) {
                fromClient(client.flush());
                fromServer(server.flush());
            }
        }

        void fromClient(List<Effect> effects) {
            clientEffects.addAll(effects);
            for (Effect e : effects) {
                if (e instanceof Effect.Send s && !(s.frame() instanceof io.reconnector.protocol.frame.StartSession)) {
                    toServer.add(s.frame());
                    fromServer(server.receive(s.frame()));
                }
            }
        }

        void fromServer(List<Effect> effects) {
            serverEffects.addAll(effects);
            for (Effect e : effects) {
                if (e instanceof Effect.Send s) {
                    toClient.add(s.frame());
                    fromClient(client.receive(s.frame()));
                }
            }
        }

        List<Effect.ExtensionsSettled> settled() {
            return clientEffects.stream().filter(e -> e instanceof Effect.ExtensionsSettled)
                    .map(e -> (Effect.ExtensionsSettled) e).toList();
        }
    }

    @Test
    void aClientAndARelayThatBothSpeakItAgreeInOneRoundTripAndNamesGoThrough() {
        Wire w = new Wire(OURS, OURS);
        assertEquals(Extensions.State.UNKNOWN, w.client.extensions());
        w.start();
        assertEquals(List.of(new Effect.ExtensionsSettled(true)), w.settled());
        assertEquals(Extensions.State.OFFERED, w.client.extensions());

        w.fromClient(w.client.open(1, NAME, 5432));
        w.fromClient(w.client.open(2, Ipv6Address.parse("::1"), 22));
        List<Effect.OpenUpstream> dials = w.serverEffects.stream().filter(e -> e instanceof Effect.OpenUpstream)
                .map(e -> (Effect.OpenUpstream) e).toList();
        assertEquals(NAME, dials.get(0).destination());
        assertEquals(Ipv6Address.parse("::1"), dials.get(1).destination());
        assertTrue(w.serverEffects.stream().noneMatch(e -> e instanceof Effect.ProtocolError), w.serverEffects.toString());
    }

    @Test
    void aSeedOnlyRelayIsFoundOutWithoutEverSeeingAnExtensionFrame() {
        Wire w = new Wire(OURS, SEED);
        w.start();
        assertEquals(List.of(new Effect.ExtensionsSettled(false)), w.settled());
        assertEquals(Extensions.State.ABSENT, w.client.extensions());
        assertThrows(IllegalStateException.class, () -> w.client.open(1, NAME, 5432),
                "the agent must resolve the name itself");
        w.fromClient(w.client.open(1, Ipv4Address.parse("127.0.0.1"), 5432));
        w.settle();
        assertTrue(w.toServer.stream().noneMatch(f -> f.type().extension()), w.toServer.toString());
        // All the relay saw of the negotiation is what the contract lets any client send.
        assertTrue(w.toServer.contains(new Keepalive(Serial16.NONE, Keepalive.NO_CONNECTION, Extensions.HELLO_WINDOW)));
        assertTrue(w.toServer.contains(new ConnectionClosed(0, Keepalive.NO_CONNECTION)));
        assertTrue(w.serverEffects.stream().noneMatch(e -> e instanceof Effect.ProtocolError || e instanceof Effect.CloseConnection),
                "a seed relay acks and ignores the probe: " + w.serverEffects);
    }

    @Test
    void aSeedOnlyClientNeverHearsAHelloFromOurRelay() {
        Wire w = new Wire(SEED, OURS);
        w.start();
        w.fromClient(w.client.open(1, Ipv4Address.parse("127.0.0.1"), 80));
        Effect.OpenUpstream dial = (Effect.OpenUpstream) w.serverEffects.stream()
                .filter(e -> e instanceof Effect.OpenUpstream).findFirst().orElseThrow();
        w.fromServer(w.server.upstreamConnected(1, dial.token()));
        w.fromServer(w.server.tick(2500)); // keepalives
        w.settle();
        assertTrue(w.toClient.stream().noneMatch(f -> f instanceof Keepalive k && k.window() == Extensions.HELLO_WINDOW
                && k.connectionId() == Keepalive.NO_CONNECTION), w.toClient.toString());
        assertTrue(w.toClient.stream().allMatch(f -> f.type().code() <= FrameType.ACK.code() && !f.type().extension()));
        assertTrue(w.settled().isEmpty());
        assertTrue(w.toServer.stream().noneMatch(f -> f instanceof Keepalive k && k.window() == Extensions.HELLO_WINDOW));
    }

    @Test
    void aHelloLostWithItsTransportIsSaidAgainAndAnOldProbesAckDoesNotSettleIt() {
        ClientSessionEngine c = new ClientSessionEngine(7, OURS);
        c.attach(0);
        List<Effect> hello = c.receive(new SessionStarted(7, Serial16.NONE));
        assertTrue(sentFrames(hello).contains(new ConnectionClosed(0, Keepalive.NO_CONNECTION)), hello.toString());
        c.transportLost(); // the relay never saw hello or probe
        c.attach(10);
        List<Effect> again = c.receive(new SessionStarted(7, Serial16.NONE));
        List<Frame> frames = sentFrames(again);
        // The old probe (id 0) is retransmitted, then a new hello, then a new probe (id 1).
        assertEquals(List.of(new ConnectionClosed(0, 0), new Keepalive(0, 0, Extensions.HELLO_WINDOW),
                new ConnectionClosed(1, 0)), frames);
        c.receive(new Ack(0, 0)); // a relay acks the old probe before it reads the new hello
        assertEquals(Extensions.State.UNKNOWN, c.extensions());
        c.receive(new Keepalive(Serial16.NONE, 0, Extensions.HELLO_WINDOW));
        assertEquals(Extensions.State.OFFERED, c.extensions());
    }

    @Test
    void aSeedOnlyRelayTreatsAnExtensionFrameAsTheUnknownCodeItIs() {
        ServerSessionEngine seed = new ServerSessionEngine(7, SEED);
        seed.start(0);
        List<Effect> effects = seed.receive(new NewConnection(0, 1, NAME, 5432));
        assertEquals(ProtocolViolation.UNKNOWN_CODE, effects.stream().filter(e -> e instanceof Effect.ProtocolError)
                .map(e -> ((Effect.ProtocolError) e).error().violation()).findFirst().orElseThrow());
        assertFalse(effects.stream().anyMatch(e -> e instanceof Effect.OpenUpstream));
    }

    private static List<Frame> sentFrames(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Send).map(e -> ((Effect.Send) e).frame()).toList();
    }
}
