package io.reconnector.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
