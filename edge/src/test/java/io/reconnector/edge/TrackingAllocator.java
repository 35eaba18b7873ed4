package io.reconnector.edge;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every buffer it makes, so a test can see which are still held, and how much. */
final class TrackingAllocator extends AbstractByteBufAllocator {
    final List<ByteBuf> made = new CopyOnWriteArrayList<>();

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        made.add(b);
        return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity); // a socket reads into either
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** The buffers not yet released. */
    List<ByteBuf> held() {
        return made.stream().filter(b -> b.refCnt() > 0).toList();
    }

    /** The capacity of the buffers not yet released: the memory they hold. */
    long heldBytes() {
        return held().stream().mapToLong(ByteBuf::capacity).sum();
    }
}
