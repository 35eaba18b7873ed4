package io.reconnector.protocol.frame;

import io.reconnector.protocol.ProtocolException;
import io.vertx.core.buffer.Buffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Any sequence of valid frames, encoded and split anywhere, decodes to the same sequence. */
class FrameStreamProperties {

    @Property(tries = 300)
    void splitStreamsDecodeToTheSameFrames(@ForAll("frames") @Size(max = 40) List<Frame> frames,
                                           @ForAll long splitSeed) throws ProtocolException {
        Buffer all = FrameDecoderTest.concat(frames);
        Random random = new Random(splitSeed);
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> out = new ArrayList<>();
        int pos = 0;
        while (pos < all.length()) {
            int n = 1 + random.nextInt(Math.min(all.length() - pos, random.nextBoolean() ? 8 : 70_000));
            decoder.feed(all.getBuffer(pos, pos + n), f -> out.add(f.kept()));
            pos += n;
        }
        assertEquals(frames, out);
        assertEquals(0, decoder.buffered());
    }

    @Provide
    Arbitrary<List<Frame>> frames() {
        return frame().list();
    }

    private Arbitrary<Frame> frame() {
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<Buffer> payload = Arbitraries.bytes().array(byte[].class).ofMinSize(1)
                .ofMaxSize(FrameType.MAX_DATA_LENGTH).edgeCases(c -> c.includeOnly()).map(Buffer::buffer);
        return Arbitraries.oneOf(List.of(
                u32.map(StartSession::new),
                Combinators.combine(u32, u16).as(ReconnectSession::new),
                Combinators.combine(u32, u16).as(SessionStarted::new),
                u32.map(SessionRejected::new),
                Combinators.combine(u16, u16, Arbitraries.integers().map(Ipv4Address::new), u16).as(NewConnection::new),
                Combinators.combine(u16, u16, Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                        .as(Ipv6Address::new), u16).as(NewConnection::new),
                Combinators.combine(u16, u16, Arbitraries.strings().withChars("abcxyz019-_").ofMinLength(1).ofMaxLength(200)
                        .map(s -> new HostName("h" + s)), u16).as(NewConnection::new),
                Combinators.combine(u16, u16, u16).as(Connected::new),
                Combinators.combine(u16, u16, u16).as(ConnectFailed::new),
                Combinators.combine(u16, u16).as(ConnectionEof::new),
                Combinators.combine(u16, u16).as(ConnectionClosed::new),
                Combinators.combine(u16, u16, u16, payload).as(Data::new),
                Combinators.combine(u16, u16, u16).as(Keepalive::new),
                Combinators.combine(u16, u16).as(Ack::new)));
    }
}
