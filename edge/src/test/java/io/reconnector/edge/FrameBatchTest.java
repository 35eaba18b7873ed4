package io.reconnector.edge;

import io.netty.buffer.ByteBuf;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameBatchTest {
    private static Buffer bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return Buffer.buffer(b);
    }

    private static Buffer concatenated(List<Frame> frames) {
        Buffer all = Buffer.buffer();
        frames.forEach(f -> f.writeTo(all));
        return all;
    }

    @Test
    void aBatchIsTheFramesOneAfterAnotherWhateverTheirSizes() throws Exception {
        List<Frame> frames = List.of(new Ack(1, 64), new Data(2, 1, 64, bytes(3, 1)),
                new Data(3, 1, 64, bytes(FrameBatch.COPY_BELOW, 2)), new Ack(4, 64),
                new Data(5, 2, 64, bytes(65_535, 3)), new Data(6, 2, 64, bytes(40_000, 4)),
                new Data(7, 3, 64, bytes(FrameBatch.COPY_BELOW - 1, 5)));
        FrameBatch batch = new FrameBatch();
        frames.forEach(batch::add);
        Buffer out = batch.take();
        assertArrayEquals(concatenated(frames).getBytes(), out.getBytes());
        List<Frame> decoded = new ArrayList<>();
        new FrameDecoder().feed(out, f -> decoded.add(f.kept()));
        assertEquals(frames, decoded);
        assertTrue(batch.isEmpty());
        assertNull(batch.take(), "nothing after a take");
    }

    @Test
    void smallFramesAloneMakeOnePlainBuffer() {
        FrameBatch batch = new FrameBatch();
        batch.add(new Ack(1, 64));
        batch.add(new Data(2, 1, 64, bytes(100, 6)));
        assertArrayEquals(concatenated(List.of(new Ack(1, 64), new Data(2, 1, 64, bytes(100, 6)))).getBytes(),
                batch.take().getBytes());
    }

    @Test
    void aLargePayloadIsSentAsItIsNotCopied() {
        byte[] memory = new byte[8192];
        Buffer payload = Buffer.buffer(memory.length);
        payload.appendBytes(memory);
        FrameBatch batch = new FrameBatch();
        batch.add(new Data(1, 1, 64, payload));
        Buffer out = batch.take();
        // The payload is owned by its frame and never written to; doing it here shows the batch
        // reads the payload's own memory.
        payload.setByte(0, (byte) 42);
        assertEquals(42, out.getByte(9));
    }

    @Test
    void aBatchOfPooledReadsIsDirectAndHoldsThemUntilItIsReleased() {
        ByteBuf read = TransportBuffers.POOL.directBuffer(8192).writeZero(8192);
        Buffer payload = BufferInternal.buffer(read);
        FrameBatch batch = new FrameBatch();
        Data data = new Data(2, 1, 64, payload);
        batch.add(new Ack(1, 64));
        batch.add(data);
        Buffer out = batch.take();
        assertTrue(Payloads.byteBuf(out).isDirect(), "all direct: a socket writes it as it is, without a copy first");
        Payloads.release(payload); // the engine's reference: acked through another transport
        assertEquals(1, read.refCnt(), "the batch holds one of its own until written");
        assertEquals(new Ack(1, 64).encodedSize() + data.encodedSize(), out.length());
        Payloads.release(out); // written
        assertEquals(0, read.refCnt());
    }
}
