package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.ChaosProxy;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Cutting the agent's link while a transfer runs: resets and silent blackholes, in turn. */
final class Cuts {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Cuts() {
    }

    /**
     * Cuts up to {@code max} times, each only after a fresh MiB has arrived through the
     * transport made after the previous cut, and waits for the agent to reconnect each time.
     *
     * @return how many cuts the transfer lasted through
     */
    static int alternate(ChaosProxy proxy, BulkClient app, int max) {
        int cuts = 0;
        while (cuts < max) {
            int transports = proxy.connectionsAccepted();
            long seen = app.received.bytes;
            await("bytes flow again after cut " + cuts).atMost(WAIT)
                    .until(() -> app.received.bytes > seen + (1 << 20) || app.done());
            if (app.done()) {
                break;
            }
            if (cuts % 2 == 0) {
                proxy.resetAll();
            } else {
                proxy.blackholeAll();
            }
            cuts++;
            await("the agent reconnects after cut " + cuts).atMost(WAIT)
                    .until(() -> proxy.connectionsAccepted() > transports);
        }
        return cuts;
    }
}
