package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.ChaosProxy;

/** Cutting the agent's link while a transfer runs: resets and silent blackholes, in turn. */
final class Cuts {
    private Cuts() {
    }

    /**
     * Cuts up to {@code max} times, each only after a fresh MiB has arrived through the
     * transport made after the previous cut, and waits for the agent to reconnect each time.
     *
     * @return how many cuts the transfer lasted through
     */
    static int alternate(ChaosProxy proxy, BulkClient app, int max) throws InterruptedException {
        int cuts = 0;
        while (cuts < max) {
            int transports = proxy.connectionsAccepted();
            long seen = app.received.bytes;
            int done = cuts;
            Wait.until("bytes flow again after cut " + done, 30_000, () -> app.received.bytes > seen + (1 << 20) || app.done());
            if (app.done()) {
                break;
            }
            if (cuts % 2 == 0) {
                proxy.resetAll();
            } else {
                proxy.blackholeAll();
            }
            cuts++;
            int made = cuts;
            Wait.until("the agent reconnects after cut " + made, 30_000, () -> proxy.connectionsAccepted() > transports);
        }
        return cuts;
    }
}
