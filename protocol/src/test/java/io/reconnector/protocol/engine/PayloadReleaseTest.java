package io.reconnector.protocol.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads handed to an engine may be pooled, reference-counted buffers: the engine releases each
 * exactly once, when the peer has acked every byte of it or nobody ever will, and never
 * earlier (a released buffer throws when read). The chaos test covers the common paths over
 * many seeds; these are the ones it rarely reaches: a read split across frames, reads joined
 * into one frame, and reads dropped.
 */
class PayloadReleaseTest {
    /** A window of 16 units: 4,096 bytes. */
    private static final EngineConfig CONFIG = EngineConfig.serverDefaults().withReceiveWindow(4096).withTiming(1000, 3000)
            .withExtensions(false);
    private static final int WINDOW_UNITS = 16;
    private static final int WINDOW_BYTES = 4096;

    private final List<ByteBuf> reads = new ArrayList<>();

    /** A started server session with connection 1 open upstream and granted a 4,096-byte window. */
    private static ServerSessionEngine serverWithOpenConnection() {
        ServerSessionEngine s = new ServerSessionEngine(7, CONFIG);
        s.start(0);
        List<Effect> open = s.receive(new NewConnection(0, 1, Ipv4Address.parse("127.0.0.1"), 80));
        long token = ((Effect.OpenUpstream) open.get(0)).token();
        s.upstreamConnected(1, token);
        s.receive(new Ack(0, WINDOW_UNITS));
        s.flush();
        return s;
    }

    /** A read of {@code n} bytes counting up from {@code first}, reference-counted like a pooled one. */
    private Buffer read(int n, int first) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (first + i);
        }
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        reads.add(b);
        return BufferInternal.buffer(b);
    }

    private static List<Data> data(List<Effect> effects) {
        List<Data> out = new ArrayList<>();
        for (Effect e : effects) {
            if (e instanceof Effect.Send s && s.frame() instanceof Data d) {
                out.add(d);
            }
        }
        return out;
    }

    private static byte[] counting(int n, int first) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (first + i);
        }
        return bytes;
    }

    private int[] refCounts() {
        return reads.stream().mapToInt(ByteBuf::refCnt).toArray();
    }

    @Test
    void aReadSplitAcrossTwoFramesIsReleasedWhenBothAreAcked() {
        ServerSessionEngine s = serverWithOpenConnection();
        List<Data> first = data(s.write(1, read(6000, 0)));
        assertEquals(1, first.size());
        assertArrayEquals(counting(WINDOW_BYTES, 0), first.get(0).payload().getBytes());
        assertEquals(2, reads.get(0).refCnt(), "the frame in flight and the pending rest each hold it");

        List<Data> rest = data(s.receive(new Ack(first.get(0).messageId(), WINDOW_UNITS)));
        assertEquals(1, rest.size());
        assertArrayEquals(counting(6000 - WINDOW_BYTES, WINDOW_BYTES), rest.get(0).payload().getBytes());
        assertEquals(1, reads.get(0).refCnt(), "the rest is not acked yet");

        s.receive(new Ack(rest.get(0).messageId(), WINDOW_UNITS));
        assertArrayEquals(new int[] {0}, refCounts());
    }

    @Test
    void readsJoinedIntoOneFrameAreEachReleasedOnce() {
        ServerSessionEngine s = serverWithOpenConnection();
        Data full = data(s.write(1, read(WINDOW_BYTES, 0))).get(0);
        s.write(1, read(1000, 10));
        s.write(1, read(1000, 20));
        s.write(1, read(1500, 30)); // 3,500 pending: more than one read, less than a window

        List<Data> joined = data(s.receive(new Ack(full.messageId(), WINDOW_UNITS)));
        assertEquals(1, joined.size());
        Buffer expected = Buffer.buffer(counting(1000, 10)).appendBytes(counting(1000, 20)).appendBytes(counting(1500, 30));
        assertEquals(expected, joined.get(0).payload());
        assertArrayEquals(new int[] {0, 1, 1, 1}, refCounts());

        s.receive(new Ack(joined.get(0).messageId(), WINDOW_UNITS));
        assertArrayEquals(new int[] {0, 0, 0, 0}, refCounts());
    }

    @Test
    void aFrameResentAfterAResumeStillHasItsBytes() {
        ServerSessionEngine s = serverWithOpenConnection();
        Data sent = data(s.write(1, read(3000, 0))).get(0);
        s.transportLost();
        List<Data> again = data(s.resume(0, 10)); // the client handled only Connected
        assertEquals(List.of(sent.messageId()), again.stream().map(Data::messageId).toList());
        assertArrayEquals(counting(3000, 0), again.get(0).payload().getBytes());
        s.receive(new Ack(sent.messageId(), WINDOW_UNITS));
        assertArrayEquals(new int[] {0}, refCounts());
    }

    @Test
    void pendingAndUnackedReadsAreReleasedWhenTheEngineIsDisposed() {
        ServerSessionEngine s = serverWithOpenConnection();
        s.write(1, read(WINDOW_BYTES, 0)); // sent, unacked
        s.write(1, read(2000, 0)); // pending: no window left
        assertArrayEquals(new int[] {1, 1}, refCounts());
        s.dispose();
        assertArrayEquals(new int[] {0, 0}, refCounts());
        s.write(1, read(10, 0));
        assertArrayEquals(new int[] {0, 0, 0}, refCounts(), "a read written after dispose is released at once");
    }

    @Test
    void readsNobodyWillSendAreReleasedAtOnce() {
        ServerSessionEngine s = serverWithOpenConnection();
        s.write(2, read(100, 0)); // no such connection
        s.write(1, read(WINDOW_BYTES, 0));
        s.write(1, read(500, 0)); // pending
        s.localClosed(1); // the destination aborted before its FIN: what it sent and we hold is dropped
        assertArrayEquals(new int[] {0, 1, 0}, refCounts());
        s.write(1, read(100, 0)); // after the close
        assertEquals(0, reads.get(3).refCnt());
    }

    @Test
    void aClientRejectedByTheRelayGivesBackWhatItRead() {
        ClientSessionEngine c = new ClientSessionEngine(9, CONFIG);
        c.attach(0);
        c.receive(new SessionStarted(9, Serial16.NONE));
        c.open(1, Ipv4Address.parse("127.0.0.1"), 80);
        c.receive(new Connected(0, 1, WINDOW_UNITS));
        c.write(1, read(WINDOW_BYTES + 100, 0)); // a frame unacked, 100 bytes pending
        c.transportLost();
        c.attach(5);
        List<Effect> rejected = c.receive(new io.reconnector.protocol.frame.SessionRejected(9));
        assertEquals(1, rejected.stream().filter(e -> e instanceof Effect.Rejected).count());
        assertArrayEquals(new int[] {0}, refCounts());
    }

    /** Sanity: a frame made from a read reads the same bytes a copy would. */
    @Test
    void framesEncodeFromTheReadItself() {
        ServerSessionEngine s = serverWithOpenConnection();
        Frame f = data(s.write(1, read(50, 7))).get(0);
        assertEquals(new Data(1, 1, ((Data) f).window(), Buffer.buffer(counting(50, 7))), f);
    }
}
