package io.reconnector.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** A payload is kept as a view only if it is at least an eighth of the memory the view keeps alive. */
    @Test
    void aViewIsWorthKeepingOnlyForMostOfTheMemoryItHolds() {
        ByteBuf read = POOL.directBuffer(64 * 1024, 64 * 1024).writeZero(64 * 1024);
        Buffer whole = BufferInternal.buffer(read);
        try {
            assertFalse(Payloads.worthKeeping(whole.slice(0, 1)), "one byte of a 64 KiB read");
            assertFalse(Payloads.worthKeeping(whole.slice(0, 8 * 1024 - 1)));
            assertTrue(Payloads.worthKeeping(whole.slice(0, 8 * 1024)), "an eighth");
            assertTrue(Payloads.worthKeeping(whole));
        } finally {
            read.release();
        }
    }

    /** A frame split across two reads keeps both alive: both count. */
    @Test
    void aViewOfSeveralReadsCountsThemAll() {
        ByteBuf first = POOL.directBuffer(64 * 1024, 64 * 1024).writeZero(64 * 1024);
        ByteBuf second = POOL.directBuffer(64 * 1024, 64 * 1024).writeZero(64 * 1024);
        CompositeByteBuf frame = POOL.compositeDirectBuffer(2)
                .addComponent(true, first.retainedSlice(60 * 1024, 4 * 1024))
                .addComponent(true, second.retainedSlice(0, 11 * 1024));
        first.release();
        second.release();
        try {
            assertFalse(Payloads.worthKeeping(BufferInternal.buffer(frame)), "15 KiB of 128 KiB");
            frame.addComponent(true, POOL.directBuffer(8 * 1024, 8 * 1024).writeZero(8 * 1024));
            assertTrue(Payloads.worthKeeping(BufferInternal.buffer(frame)), "23 KiB of 136 KiB");
        } finally {
            frame.release();
        }
    }
}
