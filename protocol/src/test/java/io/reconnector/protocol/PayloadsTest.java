package io.reconnector.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link Payloads} reaches through Vert.x's unreleasable views to the reference count that
 * matters; if a Vert.x upgrade changed what {@code getByteBuf()} returns, these fail before a
 * pool leaks or frees memory still in use.
 */
class PayloadsTest {
    private static final PooledByteBufAllocator POOL = new PooledByteBufAllocator(true);

    private static Buffer pooled(String text) {
        ByteBuf b = POOL.directBuffer(64);
        b.writeBytes(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return BufferInternal.buffer(b);
    }

    @Test
    void releasingAVertxViewOfAPooledBufferReleasesTheBuffer() {
        Buffer read = pooled("hello");
        ByteBuf inner = Payloads.byteBuf(read);
        assertEquals(1, inner.refCnt());
        Payloads.release(read);
        assertEquals(0, inner.refCnt());
    }

    @Test
    void aRetainedSliceHoldsTheReadUntilBothAreReleased() {
        Buffer read = pooled("hello world");
        ByteBuf inner = Payloads.byteBuf(read);
        Buffer world = Payloads.retainedSlice(read, 6, 11);
        assertEquals("world", world.toString());
        Payloads.release(read);
        assertEquals(1, inner.refCnt(), "the slice still holds it");
        assertEquals("world", world.toString());
        Payloads.release(world);
        assertEquals(0, inner.refCnt());
    }

    @Test
    void aPlainVertxSliceCarriesTheReadsOwnReference() {
        Buffer read = pooled("hello world");
        ByteBuf inner = Payloads.byteBuf(read);
        Buffer rest = read.slice(6, 11);
        Payloads.release(rest);
        assertEquals(0, inner.refCnt());
    }

    @Test
    void aJoinTakesOverThePartsReferences() {
        Buffer a = pooled("ab");
        Buffer b = pooled("cd");
        ByteBuf ia = Payloads.byteBuf(a);
        ByteBuf ib = Payloads.byteBuf(b);
        Buffer joined = Payloads.join(List.of(a, b));
        assertEquals("abcd", joined.toString());
        Payloads.release(joined);
        assertEquals(0, ia.refCnt());
        assertEquals(0, ib.refCnt());
    }

    @Test
    void vertxHeapBuffersIgnoreReleaseSoPlainCodeNeedsNoCare() {
        Buffer heap = Buffer.buffer("still here");
        Payloads.release(heap);
        Payloads.release(heap);
        assertEquals("still here", heap.toString());
        Buffer slice = Payloads.retainedSlice(heap, 0, 5);
        Payloads.release(slice);
        assertEquals("still", slice.toString());
        assertFalse(Payloads.byteBuf(heap).isDirect());
    }
}
