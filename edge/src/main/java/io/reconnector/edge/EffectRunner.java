package io.reconnector.edge;

import io.reconnector.protocol.engine.Effect;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Carries out an engine's effects in the order the engine produced them. Carrying one out
 * can cause more (resuming a socket hands over its queued bytes at once, which the engine
 * frames); those are queued behind the rest instead of jumping ahead. Frames to send are
 * gathered and written to the transport in one write when the queue is empty.
 */
public final class EffectRunner {
    private final ArrayDeque<Effect> queue = new ArrayDeque<>();
    private final Consumer<Effect> apply;
    private final Consumer<Buffer> writeFrames;
    private boolean running;
    private Buffer outgoing;

    /**
     * @param apply       carries out every effect but {@link Effect.Send}
     * @param writeFrames writes the gathered frames to the transport (if there is one)
     */
    public EffectRunner(Consumer<Effect> apply, Consumer<Buffer> writeFrames) {
        this.apply = apply;
        this.writeFrames = writeFrames;
    }

    public void run(List<Effect> effects) {
        queue.addAll(effects);
        if (running) {
            return; // the loop below gets to them after what the engine produced before them
        }
        running = true;
        try {
            Effect e;
            while ((e = queue.poll()) != null) {
                if (e instanceof Effect.Send s) {
                    if (outgoing == null) {
                        outgoing = Buffer.buffer(256);
                    }
                    s.frame().writeTo(outgoing);
                }
                apply.accept(e);
            }
        } finally {
            running = false;
        }
        if (outgoing != null) {
            Buffer out = outgoing;
            outgoing = null;
            writeFrames.accept(out);
        }
    }
}
