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
     * Cuts {@code cuts} times while an open-ended transfer runs, lets it go on until at least
     * {@code size} bytes went each way, then ends it and returns the server's side of it.
     *
     * @return how many cuts fell inside the transfer, and the server's result
     */
    static Outcome openEnded(ChaosProxy proxy, BulkClient app, io.reconnector.cli.demo.BulkServer server, int cuts,
                             long size) throws InterruptedException {
        int made = alternate(proxy, app, cuts);
        await("at least " + (size >> 20) + " MiB each way").atMost(Duration.ofMinutes(5))
                .until(() -> app.done() || (app.sent.get() >= size && app.received.bytes >= size));
        app.stop();
        app.join(300_000);
        await("the server has finished its side").atMost(Duration.ofMinutes(1)).until(() -> server.results().size() == 1);
        return new Outcome(made, server.results().get(0));
    }

    record Outcome(int cuts, io.reconnector.cli.demo.BulkServer.Result server) {
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
