package io.reconnector.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Waiting on conditions with deadlines, never on the clock alone. */
final class Wait {
    private Wait() {
    }

    static void until(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Waits until {@code progress} stops growing for {@code quietMillis}: a writer is blocked by
     * flow control all the way back to its socket.
     */
    static void untilStalled(String what, long quietMillis, long timeoutMillis, LongSupplier progress)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long last = progress.getAsLong();
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() - since < quietMillis) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                since = System.currentTimeMillis();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
