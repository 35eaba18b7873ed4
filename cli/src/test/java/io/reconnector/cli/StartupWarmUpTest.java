package io.reconnector.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupWarmUpTest {
    /** A library upgrade that renames one of them would otherwise fail every agent's start. */
    @Test
    void everyClassItInitialisesIsOnTheClassPath() {
        ClassLoader loader = StartupWarmUp.class.getClassLoader();
        for (String name : StartupWarmUp.CLASSES) {
            assertDoesNotThrow(() -> Class.forName(name, false, loader), name);
        }
    }

    @Test
    void theAgentsWarmUpEndsWithoutAFailure() {
        StartupWarmUp.start(StartupWarmUp.CLASSES);
        assertDoesNotThrow(StartupWarmUp::await);
    }

    /** The main thread would meet only "could not initialize class"; the warm-up keeps the cause. */
    @Test
    void aFailureIsThrownFromAwaitWithItsCause() {
        StartupWarmUp.start(List.of("io.vertx.core.VertxOptions", "io.reconnector.cli.NoSuchClass"));
        IllegalStateException e = assertThrows(IllegalStateException.class, StartupWarmUp::await);
        ClassNotFoundException cause = assertInstanceOf(ClassNotFoundException.class, e.getCause());
        assertEquals("io.reconnector.cli.NoSuchClass", cause.getMessage());
    }

    @Test
    void awaitWithoutAStartReturnsAtOnce() {
        assertDoesNotThrow(StartupWarmUp::await);
    }

    /** Released by the test below; until then, initialising this class blocks the warm-up. */
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    static final class SlowToInitialise {
        static {
            try {
                RELEASE.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Going on beside a running warm-up would initialise the same libraries on two threads. */
    @Test
    void anInterruptedAwaitStillWaitsForTheWarmUpAndKeepsTheInterrupt() throws InterruptedException {
        StartupWarmUp.start(List.of(SlowToInitialise.class.getName()));
        AtomicBoolean returned = new AtomicBoolean();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread main = new Thread(() -> {
            Thread.currentThread().interrupt();
            StartupWarmUp.await();
            returned.set(true);
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        main.start();
        main.join(300); // a bounded wait that must run out: await() may not return yet
        assertTrue(main.isAlive(), "await() returned while the warm-up was still running");
        RELEASE.countDown();
        main.join(10_000);
        assertTrue(returned.get());
        assertTrue(interruptKept.get());
    }
}
