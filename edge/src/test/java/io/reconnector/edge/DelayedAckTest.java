package io.reconnector.edge;

import io.reconnector.protocol.engine.Effect;
import io.reconnector.protocol.engine.EngineConfig;
import io.reconnector.protocol.engine.ServerSessionEngine;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A read's Ack waits a moment for something to ride on: when the answer goes first, the Ack
 * goes with it and no timer is left to fire; when nothing goes, the Ack goes alone, soon.
 */
class DelayedAckTest {
    private final Vertx vertx = Vertx.vertx(VertxSetup.options());
    private final Context loop = vertx.getOrCreateContext();
    private final ServerSessionEngine engine = new ServerSessionEngine(7, EngineConfig.serverDefaults());
    private final List<Frame> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger flushes = new AtomicInteger();
    private final CompletableFuture<Void> flushed = new CompletableFuture<>();
    private final DelayedAck delayedAck = new DelayedAck(vertx, engine, () -> {
        flushes.incrementAndGet();
        record(engine.flush());
        flushed.complete(null);
    });

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private void record(List<Effect> effects) {
        effects.stream().filter(e -> e instanceof Effect.Send).map(e -> ((Effect.Send) e).frame()).forEach(sent::add);
    }

    /** A session with connection 1 open and granted, and one Data of the client's read: its Ack is owed. */
    private void readARequest() {
        engine.start(0);
        long token = ((Effect.OpenUpstream) engine.receive(new NewConnection(0, 1,
                Ipv4Address.parse("127.0.0.1"), 80)).get(0)).token();
        engine.upstreamConnected(1, token);
        engine.receive(new Ack(0, 16));
        record(engine.receive(new Data(1, 1, 16, Buffer.buffer("ping"))));
        delayedAck.readBatchEnded();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> step) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        loop.runOnContext(v -> {
            try {
                done.complete(step.call());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerCarriesTheAckAndTheTimerIsCancelled() throws Exception {
        boolean armedAfterRead = onLoop(() -> {
            readARequest();
            return delayedAck.armed();
        });
        assertTrue(armedAfterRead, "the Ack of the read waits, on a timer");
        assertEquals(List.of(), sent, "and nothing was sent yet");

        boolean armedAfterAnswer = onLoop(() -> {
            record(engine.write(1, Buffer.buffer("pong")));
            delayedAck.effectsApplied();
            return delayedAck.armed();
        });
        assertEquals(Ack.class, sent.get(sent.size() - 1).getClass(), "the answer carried the Ack: " + sent);
        assertEquals(1, ((Ack) sent.get(sent.size() - 1)).messageId());
        assertFalse(armedAfterAnswer, "no timer is left to fire");
        assertEquals(0, flushes.get());
    }

    @Test
    void withNothingToRideOnTheAckGoesAloneSoon() throws Exception {
        onLoop(() -> {
            readARequest();
            return null;
        });
        flushed.get(10, TimeUnit.SECONDS);
        assertEquals(1, sent.size(), "one frame went: " + sent);
        assertEquals(1, ((Ack) sent.get(0)).messageId(), "the Ack of the read, alone");
        assertEquals(1, flushes.get());
        assertFalse(onLoop(delayedAck::armed));
    }
}
