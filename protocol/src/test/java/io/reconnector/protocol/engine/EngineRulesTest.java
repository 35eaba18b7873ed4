package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract's rules one at a time, driving a single engine with hand-made frames. */
class EngineRulesTest {
    /** The seed contract's rules, so both engines as seed-only peers (the extension is tested in ExtensionsTest). */
    private static final EngineConfig CONFIG = EngineConfig.serverDefaults().withReceiveWindow(4096).withTiming(1000, 3000)
            .withExtensions(false);
    private static final Ipv4Address LOCAL = Ipv4Address.parse("127.0.0.1");

    private static List<Frame> sent(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Send).map(e -> ((Effect.Send) e).frame()).toList();
    }

    private static ProtocolViolation violation(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.ProtocolError).map(e -> ((Effect.ProtocolError) e)
                .error().violation()).findFirst().orElseThrow(() -> new AssertionError("no protocol error in " + effects));
    }

    /** A started server session with connection 1 open upstream and granted a window. */
    private static ServerSessionEngine serverWithOpenConnection() {
        ServerSessionEngine s = new ServerSessionEngine(7, CONFIG);
        assertEquals(List.of(new SessionStarted(7, Serial16.NONE)), sent(s.start(0)));
        List<Effect> open = s.receive(new NewConnection(0, 1, LOCAL, 80));
        long token = ((Effect.OpenUpstream) open.get(0)).token();
        assertEquals(List.of(new Connected(0, 1, 16), new Ack(0, 16)), sent(s.upstreamConnected(1, token)),
                "Connected carries the Ack of the New Connection");
        s.receive(new Ack(0, 16));
        return s;
    }

    @Test
    void startSessionIsAnsweredWithLastAckedFfff() {
        ClientSessionEngine c = new ClientSessionEngine(7, CONFIG);
        assertEquals(List.of(new StartSession(7)), sent(c.attach(0)));
        List<Effect> effects = c.receive(new SessionStarted(7, Serial16.NONE));
        assertEquals(new Effect.Established(false, 0), effects.get(effects.size() - 1));
        assertEquals(SessionEngine.Link.ATTACHED, c.link());
        // The next transport resumes: Reconnect with nothing handled yet.
        c.transportLost();
        assertEquals(List.of(new ReconnectSession(7, Serial16.NONE)), sent(c.attach(10)));
    }

    @Test
    void firstSequencedIdsAreZeroInBothDirections() {
        ClientSessionEngine c = new ClientSessionEngine(7, CONFIG);
        c.attach(0);
        c.receive(new SessionStarted(7, Serial16.NONE));
        assertEquals(List.of(new NewConnection(0, 1, LOCAL, 80)), sent(c.open(1, LOCAL, 80)));
        ServerSessionEngine s = serverWithOpenConnection();
        assertEquals(1, s.nextMessageId(), "the server's Connected took id 0");
    }

    @Test
    void duplicatesAfterRetransmitAreDroppedAndAckedAgain() {
        ServerSessionEngine s = serverWithOpenConnection();
        Data d = new Data(1, 1, 16, Buffer.buffer("abc"));
        List<Effect> first = s.receive(d);
        assertEquals(1, first.stream().filter(e -> e instanceof Effect.Deliver).count());
        // 3 bytes wait for the upstream socket: the window is (4096 - 3) / 256 = 15 units.
        assertEquals(List.of(new Ack(1, 15)), sent(s.flush()));
        List<Effect> again = s.receive(d);
        assertTrue(again.stream().noneMatch(e -> e instanceof Effect.Deliver), "a duplicate is not delivered");
        List<Frame> reAck = sent(s.flush());
        assertEquals(1, reAck.size());
        assertEquals(1, ((Ack) reAck.get(0)).messageId(), "the duplicate is acked again");
    }

    @Test
    void anOwedAckWaitsForTheEdgeOrRidesWithTheNextFrameSent() {
        ServerSessionEngine s = serverWithOpenConnection();
        assertFalse(s.ackOwed(), "nothing received since the last Ack");
        List<Effect> request = s.receive(new Data(1, 1, 16, Buffer.buffer("ping")));
        assertEquals(List.of(), sent(request), "a read alone sends nothing: the edge decides when to flush");
        assertTrue(s.ackOwed());
        List<Effect> response = s.write(1, Buffer.buffer("pong"));
        // (The Ack grants from what it acks: 4 bytes not yet written upstream leave 15 units.)
        assertEquals(List.of(new Data(1, 1, 16, Buffer.buffer("pong")), new Ack(1, 15)), sent(response),
                "the response carries the Ack of the request, in the same write");
        assertFalse(s.ackOwed(), "and the Ack is not owed any more");
        assertEquals(List.of(), sent(s.flush()), "so a flush after it sends nothing");
    }

    @Test
    void anIdGapIsAProtocolErrorAndDetachesOnly() {
        ServerSessionEngine s = serverWithOpenConnection();
        assertEquals(ProtocolViolation.ID_GAP, violation(s.receive(new Data(5, 1, 16, Buffer.buffer("x")))));
        assertEquals(SessionEngine.Link.DETACHED, s.link());
        assertEquals(1, s.connectionCount(), "the session and its connection live on");
        List<Frame> resumed = sent(s.resume(0, 100));
        assertEquals(new SessionStarted(7, 0), resumed.get(0));
    }

    @Test
    void anAckOfAnIdNeverSentIsAProtocolError() {
        ServerSessionEngine s = serverWithOpenConnection();
        assertEquals(ProtocolViolation.ACK_OF_UNSENT, violation(s.receive(new Ack(9, 0))));
    }

    @Test
    void anAckOfAnIdAlreadyAckedIsHarmless() {
        ServerSessionEngine s = serverWithOpenConnection();
        List<Effect> effects = s.receive(new Ack(0, 32));
        assertTrue(effects.stream().noneMatch(e -> e instanceof Effect.ProtocolError));
        assertEquals(32 * 256, s.sendRoom(1), "its window still counts");
    }

    @Test
    void aFrameBeforeTheHandshakeIsAProtocolError() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ResumeHandshake.of(new Data(0, 1, 1, Buffer.buffer("x"))));
        assertEquals(ProtocolViolation.BEFORE_HANDSHAKE, e.violation());
        ClientSessionEngine c = new ClientSessionEngine(7, CONFIG);
        c.attach(0);
        assertEquals(ProtocolViolation.BEFORE_HANDSHAKE, violation(c.receive(new Keepalive(0, 0, 0))));
    }

    @Test
    void aSecondHandshakeIsAProtocolError() {
        ServerSessionEngine s = serverWithOpenConnection();
        assertEquals(ProtocolViolation.SECOND_HANDSHAKE, violation(s.receive(new StartSession(7))));
        ClientSessionEngine c = new ClientSessionEngine(7, CONFIG);
        c.attach(0);
        c.receive(new SessionStarted(7, Serial16.NONE));
        assertEquals(ProtocolViolation.SECOND_HANDSHAKE, violation(c.receive(new SessionStarted(7, Serial16.NONE))));
    }

    @Test
    void aNewConnectionForAnOpenIdIsAProtocolError() {
        ServerSessionEngine s = serverWithOpenConnection();
        assertEquals(ProtocolViolation.CONNECTION_IN_USE, violation(s.receive(new NewConnection(1, 1, LOCAL, 81))));
    }

    @Test
    void sendingPastTheLimitClosesThatConnectionOnly() {
        ServerSessionEngine s = serverWithOpenConnection();
        // The server granted 16 × 256 = 4096 bytes in Connected... to the client; the client's
        // limit toward the server is the server's grant: 4096 bytes.
        List<Effect> ok = s.receive(new Data(1, 1, 16, Buffer.buffer(new byte[4096])));
        assertTrue(ok.stream().anyMatch(e -> e instanceof Effect.Deliver));
        List<Effect> over = s.receive(new Data(2, 1, 16, Buffer.buffer(new byte[1])));
        assertTrue(over.stream().noneMatch(e -> e instanceof Effect.Deliver), "the excess is dropped");
        assertInstanceOf(Effect.CloseConnection.class, over.get(0));
        assertEquals(List.of(new ConnectionClosed(1, 1), new Ack(2, 0)), sent(over),
                "closed, and the Ack of the excess rides along (the connection's window is gone)");
        assertEquals(SessionEngine.Link.ATTACHED, s.link(), "the transport stays up");
    }

    @Test
    void dataAfterThePeersEofClosesTheConnection() {
        ServerSessionEngine s = serverWithOpenConnection();
        assertTrue(s.receive(new ConnectionEof(1, 1)).contains(new Effect.DeliverEof(1)));
        List<Effect> late = s.receive(new Data(2, 1, 16, Buffer.buffer("late")));
        assertTrue(late.stream().noneMatch(e -> e instanceof Effect.Deliver));
        assertEquals(List.of(new ConnectionClosed(1, 1), new Ack(2, 0)), sent(late));
    }

    @Test
    void noDataBeforeTheAckOfConnected() {
        ServerSessionEngine s = new ServerSessionEngine(7, CONFIG);
        s.start(0);
        long token = ((Effect.OpenUpstream) s.receive(new NewConnection(0, 1, LOCAL, 80)).get(0)).token();
        s.upstreamConnected(1, token);
        List<Effect> upstreamBytes = s.write(1, Buffer.buffer("early"));
        assertEquals(List.of(), sent(upstreamBytes), "nothing sent before the client's first grant");
        List<Effect> granted = s.receive(new Ack(0, 1));
        assertEquals(List.of(new Data(1, 1, 16, Buffer.buffer("early"))), sent(granted));
    }

    /** A server session whose connections 1 and 2 are open and granted the largest window there is. */
    private static ServerSessionEngine serverGrantedEverything(EngineConfig config) {
        ServerSessionEngine s = new ServerSessionEngine(7, config);
        s.start(0);
        for (int id = 1; id <= 2; id++) {
            long token = ((Effect.OpenUpstream) s.receive(new NewConnection(id - 1, id, LOCAL, 80)).get(0)).token();
            s.upstreamConnected(id, token); // Connected ids 0 and 1
            s.receive(new Ack(id - 1, Windows.MAX_UNITS)); // 16 MiB granted
        }
        return s;
    }

    private static long dataBytes(List<Effect> effects) {
        return sent(effects).stream().filter(f -> f instanceof Data).mapToLong(f -> ((Data) f).length()).sum();
    }

    @Test
    void theSendersOwnCapBoundsWhatItSendsWhateverWindowThePeerGrants() {
        ServerSessionEngine s = serverGrantedEverything(CONFIG.withBuffers(4096, 1 << 20));
        List<Effect> effects = s.write(1, Buffer.buffer(new byte[100_000]));
        assertEquals(4096, dataBytes(effects), "4 KiB ahead of acks, not the 16 MiB granted");
        List<Effect> acked = s.receive(new Ack(s.nextMessageId() - 1, Windows.MAX_UNITS));
        assertEquals(4096, dataBytes(acked), "each ack lets the next 4 KiB go");
    }

    @Test
    void atItsBudgetTheSessionStopsReadingEverySocketUntilAcksFreeRoom() {
        ServerSessionEngine s = serverGrantedEverything(CONFIG.withBuffers(4096, 6000));
        List<Effect> first = s.write(1, Buffer.buffer(new byte[3000]));
        assertTrue(!first.contains(new Effect.PauseReading(1)), "under its cap and the budget, 1 reads on: " + first);
        List<Effect> second = s.write(2, Buffer.buffer(new byte[3500]));
        assertTrue(second.contains(new Effect.PauseReading(1)) && second.contains(new Effect.PauseReading(2)),
                "past 6000 bytes held, every socket pauses, not only the one read: " + second);
        assertEquals(6500, s.bufferedBytes());
        int lastData = s.nextMessageId() - 1;
        List<Effect> acked = s.receive(new Ack(lastData, Windows.MAX_UNITS));
        assertTrue(acked.contains(new Effect.ResumeReading(1)) && acked.contains(new Effect.ResumeReading(2)),
                "acks freed the budget: every socket reads again: " + acked);
        assertEquals(0, s.bufferedBytes());
    }

    @Test
    void aCongestedTransportStopsFramingAndReadingUntilItDrains() {
        ServerSessionEngine s = serverGrantedEverything(CONFIG);
        List<Effect> congested = s.transportCongested(true);
        assertTrue(congested.contains(new Effect.PauseReading(1)) && congested.contains(new Effect.PauseReading(2)));
        assertEquals(List.of(), sent(s.write(1, Buffer.buffer("held"))), "nothing framed while the queue is full");
        List<Effect> drained = s.transportCongested(false);
        assertEquals(List.of(new Data(2, 1, 16, Buffer.buffer("held"))), sent(drained), "framed once it drains");
        assertTrue(drained.contains(new Effect.ResumeReading(2)), drained.toString());
    }

    @Test
    void theUnackedLimitMakesTheSenderWait() {
        ServerSessionEngine s = new ServerSessionEngine(7, CONFIG.withMaxUnacked(3).withMaxDataFrame(10));
        s.start(0);
        long token = ((Effect.OpenUpstream) s.receive(new NewConnection(0, 1, LOCAL, 80)).get(0)).token();
        s.upstreamConnected(1, token); // id 0
        s.receive(new Ack(0, 16));
        List<Effect> effects = s.write(1, Buffer.buffer(new byte[100]));
        assertEquals(3, sent(effects).size(), "three messages may be unacked");
        assertEquals(new Effect.PauseReading(1), effects.get(effects.size() - 1));
        assertEquals(2, sent(s.receive(new Ack(2, 16))).size(), "each ack frees room for more");
    }

    @Test
    void aResumeThatAcksMessagesNeverSentEndsTheSessionInsteadOfLooping() {
        ClientSessionEngine c = new ClientSessionEngine(7, CONFIG);
        c.attach(0);
        c.receive(new SessionStarted(7, Serial16.NONE));
        c.open(1, LOCAL, 80); // our message 0
        c.transportLost();
        c.attach(5);
        // Another client's session under our id would ack messages we never sent.
        List<Effect> answer = c.receive(new SessionStarted(7, 0x0002));
        assertTrue(answer.contains(new Effect.CloseConnection(1, CloseReason.SESSION_REJECTED)), "our connection is reset");
        assertTrue(answer.contains(new Effect.Rejected(Effect.Rejected.Why.NOT_OURS)), answer.toString());
        assertTrue(answer.stream().noneMatch(e -> e instanceof Effect.ProtocolError), "not an error to retry");
        assertEquals(List.of(new StartSession(7)), sent(c.attach(6)), "the next attach starts a new session");
    }

    @Test
    void rejectionClosesEveryConnectionAndTheNextAttachStartsAfresh() {
        ClientSessionEngine c = new ClientSessionEngine(7, CONFIG);
        c.attach(0);
        c.receive(new SessionStarted(7, Serial16.NONE));
        c.open(1, LOCAL, 80);
        c.transportLost();
        assertEquals(List.of(new ReconnectSession(7, Serial16.NONE)), sent(c.attach(5)));
        List<Effect> rejected = c.receive(new SessionRejected(7));
        assertTrue(rejected.contains(new Effect.CloseConnection(1, CloseReason.SESSION_REJECTED)));
        assertTrue(rejected.contains(new Effect.Rejected(Effect.Rejected.Why.REJECTED_BY_RELAY)));
        assertEquals(0, c.connectionCount());
        assertEquals(List.of(new StartSession(7)), sent(c.attach(6)));
        c.receive(new SessionStarted(7, Serial16.NONE));
        assertEquals(List.of(new NewConnection(0, 1, LOCAL, 80)), sent(c.open(1, LOCAL, 80)), "ids restart at 0");
    }

    @Test
    void keepalivesWhenIdleAndDeathWhenSilent() {
        ServerSessionEngine s = serverWithOpenConnection();
        // Activity is stamped at the tick that sees it (t=500), so time is measured from there.
        assertEquals(List.of(), sent(s.tick(500)));
        assertEquals(List.of(), sent(s.tick(1400)));
        List<Frame> idle = sent(s.tick(1500));
        assertEquals(1, idle.size());
        Keepalive k = assertInstanceOf(Keepalive.class, idle.get(0));
        assertEquals(1, k.connectionId(), "names an open connection");
        assertEquals(16, k.window(), "and carries its receive window");
        assertTrue(s.tick(3400).stream().noneMatch(e -> e instanceof Effect.TransportDead));
        List<Effect> dead = s.tick(3500);
        assertTrue(dead.stream().anyMatch(e -> e instanceof Effect.TransportDead));
        assertEquals(SessionEngine.Link.DETACHED, s.link());
    }

    @Test
    void resumeRetransmitsUnackedInOrderThenAKeepalivePerOpenConnection() {
        ServerSessionEngine s = serverWithOpenConnection();
        s.write(1, Buffer.buffer("one"));
        s.write(1, Buffer.buffer("two"));
        s.write(1, Buffer.buffer("three")); // ids 1, 2, 3
        s.transportLost();
        List<Frame> frames = sent(s.resume(1, 50)); // the client handled Connected and "one"
        assertEquals(new SessionStarted(7, 0), frames.get(0), "the server handled the New Connection, id 0");
        assertEquals(2, ((Data) frames.get(1)).messageId());
        assertEquals(3, ((Data) frames.get(2)).messageId());
        assertEquals(new Keepalive(3, 1, 16), frames.get(3));
        assertEquals(4, frames.size());
    }

    @Test
    void aReconnectBehindTheClientsOwnAcksIsRefusedNotAnsweredWithAGap() {
        ServerSessionEngine s = serverWithOpenConnection();
        s.write(1, Buffer.buffer("one"));
        s.write(1, Buffer.buffer("two")); // ids 1, 2
        s.receive(new Ack(2, 16)); // the client says it has both: the server drops them
        s.transportLost();
        // Found by ServerFuzzProperties: a Reconnect that now claims only id 1. Answering it
        // would go on with id 3, a gap the client cannot get past; id 2 is gone.
        List<Effect> answer = s.resume(1, 50);
        assertEquals(ProtocolViolation.BAD_HANDSHAKE, violation(answer));
        assertTrue(sent(answer).isEmpty(), "no Session Started: " + answer);
        assertEquals(SessionEngine.Link.DETACHED, s.link());
        assertEquals(new SessionStarted(7, 0), sent(s.resume(2, 60)).get(0), "an honest Reconnect still resumes");
    }

    @Test
    void ackOfConnectedIsSentAtOnceWithTheClientsWindow() {
        ClientSessionEngine c = new ClientSessionEngine(7, CONFIG);
        c.attach(0);
        c.receive(new SessionStarted(7, Serial16.NONE));
        c.open(1, LOCAL, 80);
        List<Effect> effects = c.receive(new Connected(0, 1, 8));
        assertTrue(effects.contains(new Effect.ConnectResult(1, 0)));
        assertTrue(sent(effects).contains(new Ack(0, 16)), "the first grant goes out without waiting for a flush");
        assertTrue(effects.contains(new Effect.ResumeReading(1)));
        assertEquals(8 * 256, c.sendRoom(1));
    }
}
