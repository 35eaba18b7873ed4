package io.reconnector.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecoderTest {

    static List<Frame> sample() {
        return List.of(
                new StartSession(7),
                new ReconnectSession(0xFFFF_FFFFL, 0xFFFF),
                new SessionStarted(7, 3),
                new SessionRejected(9),
                new NewConnection(0, 1, Ipv4Address.parse("127.0.0.1"), 8080),
                new NewConnection(1, 2, Ipv6Address.parse("fd00::5"), 5432),
                new NewConnection(2, 3, new HostName("db.internal"), 5432),
                new NewConnection(3, 4, new HostName("x".repeat(HostName.MAX_LENGTH)), 1),
                new Connected(0, 1, 4096),
                new ConnectFailed(1, 2, ConnectFailed.ECONNREFUSED),
                new Data(2, 1, 4096, Buffer.buffer("hello, world")),
                new Keepalive(2, 1, 4096),
                new ConnectionEof(3, 1),
                new ConnectionClosed(4, 1),
                new Ack(4, 0),
                new Data(5, 3, 0, Buffer.buffer(new byte[FrameType.MAX_DATA_LENGTH])));
    }

    static Buffer concat(List<Frame> frames) {
        Buffer all = Buffer.buffer();
        frames.forEach(f -> f.writeTo(all));
        return all;
    }

    @Test
    void oneByteAtATimeYieldsEveryFrameOnce() throws ProtocolException {
        Buffer all = concat(sample());
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < all.length(); i++) {
            decoder.feed(all.getBuffer(i, i + 1), f -> out.add(f.kept()));
            assertTrue(decoder.buffered() <= FrameType.DATA.size() + FrameType.MAX_DATA_LENGTH);
        }
        assertEquals(sample(), out);
        assertEquals(0, decoder.buffered());
    }

    @Test
    void manyFramesInOneChunk() throws ProtocolException {
        List<Frame> out = new ArrayList<>();
        new FrameDecoder().feed(concat(sample()), f -> out.add(f.kept()));
        assertEquals(sample(), out);
    }

    @Test
    void keepsOnlyTheIncompleteTailBetweenChunks() throws ProtocolException {
        Buffer all = concat(List.of(new Ack(1, 2), new StartSession(3)));
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> out = new ArrayList<>();
        decoder.feed(all.getBuffer(0, 7), f -> out.add(f.kept())); // Ack (5) + 2 bytes of Start
        assertEquals(List.of(new Ack(1, 2)), out);
        assertEquals(2, decoder.buffered());
        decoder.feed(all.getBuffer(7, all.length()), f -> out.add(f.kept()));
        assertEquals(List.of(new Ack(1, 2), new StartSession(3)), out);
    }

    @Test
    void zeroLengthDataIsAKeepaliveNotData() throws ProtocolException {
        List<Frame> out = new ArrayList<>();
        new FrameDecoder().feed(Buffer.buffer(new byte[] {0x1f, 0, 5, 0, 2, 0, 1, 0, 0}), f -> out.add(f.kept()));
        assertEquals(List.of(new Keepalive(5, 2, 1)), out);
    }

    /** No copy: the payload the sink gets is the chunk's own memory; a kept frame owes it nothing. */
    @Test
    void aPayloadIsLentFromItsChunkAndAKeptFrameIsACopy() throws ProtocolException {
        Buffer chunk = new Data(0, 1, 1, Buffer.buffer("abc")).encode();
        List<Frame> lent = new ArrayList<>();
        List<Frame> kept = new ArrayList<>();
        new FrameDecoder().feed(chunk, f -> {
            lent.add(f);
            kept.add(f.kept());
        });
        chunk.setByte(9, (byte) 'z'); // the transport reuses its buffers
        assertEquals(Buffer.buffer("zbc"), ((Data) lent.get(0)).payload(), "a view of the chunk");
        assertEquals(Buffer.buffer("abc"), ((Data) kept.get(0)).payload(), "a copy");
    }

    @Test
    void anUnknownCodeAfterGoodFramesEmitsThoseThenFails() {
        Buffer chunk = concat(List.of(new Ack(1, 1), new StartSession(2))).appendByte((byte) 0x7e);
        List<Frame> out = new ArrayList<>();
        FrameDecoder decoder = new FrameDecoder();
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.feed(chunk, f -> out.add(f.kept())));
        assertEquals(ProtocolViolation.UNKNOWN_CODE, e.violation());
        assertTrue(e.getMessage().contains("0x7e"), e.getMessage());
        assertEquals(List.of(new Ack(1, 1), new StartSession(2)), out);
        assertThrows(IllegalStateException.class, () -> decoder.feed(Buffer.buffer(new byte[] {1}), f -> out.add(f.kept())));
    }

    @Test
    void everyTruncationOfEveryFrameWaits() throws ProtocolException {
        for (Frame f : sample()) {
            Buffer bytes = f.encode();
            // Every cut of the small frames; for the 65,544-byte one, the edges and a spread between.
            for (int cut = 0; cut < bytes.length(); cut += (cut < 16 || cut > bytes.length() - 16) ? 1 : 997) {
                FrameDecoder decoder = new FrameDecoder();
                List<Frame> out = new ArrayList<>();
                decoder.feed(bytes.getBuffer(0, cut), g -> out.add(g.kept()));
                assertEquals(List.of(), out, f + " cut at " + cut);
                decoder.feed(bytes.getBuffer(cut, bytes.length()), g -> out.add(g.kept()));
                assertEquals(List.of(f), out);
            }
        }
    }

    @Test
    void extensionFramesHaveTheDocumentedBytes() {
        assertEquals("16" + "0002" + "0003" + "1538" + "0b" + "64622e696e7465726e616c",
                java.util.HexFormat.of().formatHex(new NewConnection(2, 3, new HostName("db.internal"), 5432).encode().getBytes()));
        assertEquals("15" + "0001" + "0002" + "fd000000000000000000000000000005" + "1538",
                java.util.HexFormat.of().formatHex(new NewConnection(1, 2, Ipv6Address.parse("fd00::5"), 5432).encode().getBytes()));
    }

    @Test
    void aNameThatIsNotOneIsAProtocolErrorOnceItsBytesAreIn() throws ProtocolException {
        for (String bad : new String[] {"", "a b", "evil\u0000.com", "..", "-x", "caf\u00e9"}) {
            byte[] name = bad.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            Buffer frame = Buffer.buffer().appendUnsignedByte((short) 0x16).appendUnsignedShort(0).appendUnsignedShort(1)
                    .appendUnsignedShort(80).appendUnsignedByte((short) name.length).appendBytes(name);
            FrameDecoder decoder = new FrameDecoder();
            List<Frame> out = new ArrayList<>();
            decoder.feed(frame.getBuffer(0, frame.length() - 1), f -> out.add(f.kept())); // not all in yet: waits
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> decoder.feed(frame.getBuffer(frame.length() - 1, frame.length()), f -> out.add(f.kept())),
                    "name '" + bad + "'");
            assertEquals(io.reconnector.protocol.ProtocolViolation.MALFORMED, e.violation());
            assertEquals(List.of(), out);
        }
    }

    @Test
    void addressTextRoundTrips() {
        assertEquals("::1", Ipv6Address.parse("::1").toString());
        assertEquals("fd00::5", Ipv6Address.parse("fd00:0:0:0:0:0:0:5").toString());
        assertEquals("2001:db8::1:0:0:1", Ipv6Address.parse("2001:db8:0:0:1:0:0:1").toString());
        assertEquals(Ipv4Address.parse("10.1.2.3"), Ipv6Address.parse("::ffff:10.1.2.3").unmapped());
        assertEquals(new HostName("db.internal"), Destination.parse("DB.Internal"));
        assertEquals(Ipv6Address.parse("::1"), Destination.parse("[::1]"));
        assertEquals(Ipv4Address.parse("1.2.3.4"), Destination.parse("1.2.3.4"));
        assertEquals(new HostName("1.2.3.example"), Destination.parse("1.2.3.example"));
        assertThrows(IllegalArgumentException.class, () -> Ipv6Address.parse("db.internal"));
        assertThrows(IllegalArgumentException.class, () -> Ipv6Address.parse("fe80::1%eth0"));
        assertThrows(IllegalArgumentException.class, () -> new HostName("x".repeat(256)));
    }

    @Test
    void framesRejectFieldsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new Ack(0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> new StartSession(-1));
        assertThrows(IllegalArgumentException.class, () -> new StartSession(0x1_0000_0000L));
        assertThrows(IllegalArgumentException.class, () -> new Data(0, 0, 0, Buffer.buffer()));
        assertThrows(IllegalArgumentException.class, () -> new Data(0, 0, 0, Buffer.buffer(new byte[65536])));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("1.2.3.256"));
        assertEquals("10.1.2.3", Ipv4Address.parse("10.1.2.3").toString());
    }

    /**
     * A chunk that ends a held frame, carries a whole one and starts another: the held frame
     * takes only its own bytes and is emitted, the whole one is read from the chunk, and only
     * the last one's first bytes are held.
     */
    @Test
    void aChunkCompletesTheHeldFrameThenIsDecodedInPlace() throws Exception {
        Data first = new Data(1, 1, 64, Buffer.buffer(new byte[3000]));
        Data second = new Data(2, 1, 64, Buffer.buffer(new byte[2000]));
        Data third = new Data(3, 1, 64, Buffer.buffer(new byte[1000]));
        Buffer stream = concat(List.of(first, second, third));
        int cut1 = 1000;
        int cut2 = first.encodedSize() + second.encodedSize() + 5;
        FrameDecoder d = new FrameDecoder();
        List<Frame> out = new ArrayList<>();
        d.feed(stream.slice(0, cut1).copy(), f -> out.add(f.kept()));
        assertEquals(cut1, d.buffered());
        d.feed(stream.slice(cut1, cut2).copy(), f -> out.add(f.kept()));
        assertEquals(List.of(first, second), out);
        assertEquals(5, d.buffered(), "only the third frame's first bytes are held");
        d.feed(stream.slice(cut2, stream.length()).copy(), f -> out.add(f.kept()));
        assertEquals(List.of(first, second, third), out);
        assertEquals(0, d.buffered());
    }

    /**
     * The transports lend their read buffers to the decoder (pooled, direct, released when the
     * call returns). Wherever the cuts fall, the sink gets every frame whole, a frame it keeps
     * survives the chunks it came in being released and scribbled over, and once the stream
     * is decoded the decoder holds no reference to any of them.
     */
    @Test
    void framesLentFromReleasedChunksAreWholeAndNothingStaysHeld() throws Exception {
        List<Frame> sent = sample();
        Buffer stream = concat(sent);
        for (int chunk : new int[] {1, 7, 1000, 40_000, stream.length()}) {
            io.netty.buffer.PooledByteBufAllocator pool = new io.netty.buffer.PooledByteBufAllocator(true);
            FrameDecoder d = new FrameDecoder();
            List<Frame> out = new ArrayList<>();
            for (int pos = 0; pos < stream.length(); pos += chunk) {
                int end = Math.min(stream.length(), pos + chunk);
                ByteBuf lent = pool.directBuffer(end - pos);
                lent.writeBytes(stream.getBytes(pos, end));
                d.feed(BufferInternal.buffer(lent), f -> out.add(f.kept()));
                // Released, then scribbled over by the next use of the same pooled memory.
                lent.release();
                ByteBuf reuse = pool.directBuffer(end - pos);
                reuse.writeZero(end - pos);
                reuse.release();
            }
            assertEquals(sent, out, "chunks of " + chunk + " bytes");
            pool.trimCurrentThreadCache();
            long inUse = pool.metric().directArenas().stream().mapToLong(a -> a.numActiveAllocations()).sum();
            assertEquals(0, inUse, "pooled buffers still held after chunks of " + chunk + " bytes");
        }
    }

    /**
     * A frame split across reads is kept as references to the reads, not copied, but a peer
     * dribbling it a byte per read cannot make the decoder keep more than
     * {@link FrameDecoder#MAX_HELD_PIECES} reads alive: past that, the pieces are copied.
     */
    @Test
    void aFrameSplitAcrossReadsKeepsTheReadsUntilItComesInTooManyPieces() throws Exception {
        Data frame = new Data(1, 1, 64, Buffer.buffer(new byte[300]));
        Buffer stream = frame.encode();
        FrameDecoder d = new FrameDecoder();
        List<ByteBuf> reads = new ArrayList<>();
        List<Frame> out = new ArrayList<>();
        for (int pos = 0; pos < stream.length(); pos++) {
            ByteBuf read = Unpooled.directBuffer(1).writeByte(stream.getByte(pos));
            reads.add(read);
            d.feed(BufferInternal.buffer(read), f -> out.add(f.kept()));
            read.release();
            long alive = reads.stream().filter(r -> r.refCnt() > 0).count();
            if (pos < FrameDecoder.MAX_HELD_PIECES) {
                assertEquals(pos + 1, alive, "the first pieces are the reads themselves");
            } else {
                assertEquals(0, alive, "past the limit, copies: no read is kept");
            }
        }
        assertEquals(List.of(frame), out);
    }

    /** A transport that ends mid-frame: {@link FrameDecoder#discard} gives the reads back. */
    @Test
    void discardReleasesTheReadsOfAnIncompleteFrame() throws Exception {
        Buffer stream = new Data(1, 1, 64, Buffer.buffer(new byte[3000])).encode();
        ByteBuf first = Unpooled.directBuffer(1000).writeBytes(stream.getBytes(0, 1000));
        FrameDecoder d = new FrameDecoder();
        d.feed(BufferInternal.buffer(first), f -> { });
        first.release();
        assertEquals(1, first.refCnt(), "the decoder keeps the read, not a copy of it");
        d.discard();
        assertEquals(0, first.refCnt());
        assertEquals(0, d.buffered());
    }
}
