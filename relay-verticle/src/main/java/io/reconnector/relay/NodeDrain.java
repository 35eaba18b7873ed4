package io.reconnector.relay;

import io.reconnector.edge.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.List;

/**
 * A node's graceful drain (SIGTERM). New transports are refused (the listener stays open until
 * the end: closing a Vert.x server closes the transports it accepted too, and a busy session's
 * transport must live on). Idle sessions leave with their clients, who come back
 * through another node and ask for a handover; sessions with open connections are served until
 * they close or the grace ends (their sockets can live nowhere else); then what remains is
 * closed and every record written, so another node can take those sessions over.
 */
final class NodeDrain {
    /**
     * How long idle sessions get to move before their records are simply left for takeover:
     * their clients reconnect within a dead interval, so a few seconds is plenty.
     */
    static final long IDLE_MOVE_WAIT_MILLIS = 5_000;
    private static final long CHECK_EVERY_MILLIS = 50;

    private final Relay relay;
    private Future<Void> done;

    NodeDrain(Relay relay) {
        this.relay = relay;
    }

    Future<Void> run() {
        if (done != null) {
            return done;
        }
        relay.log().info(Event.RELAY_DRAINING, "draining: " + relay.sessions().size() + " sessions, "
                + relay.hops().size() + " forwarded transports");
        for (ClientTransport hop : List.copyOf(relay.hops())) {
            hop.close(TransportClose.DRAINING, "");
        }
        for (RelaySession s : relay.sessions()) {
            s.drain();
        }
        Promise<Void> finished = Promise.promise();
        long started = relay.now();
        long deadline = started + relay.options().drainGrace().toMillis();
        long idleWait = started + Math.min(relay.options().drainGrace().toMillis(), IDLE_MOVE_WAIT_MILLIS);
        relay.vertx().setPeriodic(CHECK_EVERY_MILLIS, timer -> {
            relay.sessions().removeIf(s -> !s.serving());
            boolean busy = relay.sessions().stream().anyMatch(s -> s.upstreamCount() > 0);
            long now = relay.now();
            if (relay.sessions().isEmpty() || (!busy && now >= idleWait) || now >= deadline) {
                relay.vertx().cancelTimer(timer);
                finish().onComplete(finished);
            }
        });
        done = finished.future().eventually(() -> relay.clientPort().close());
        return done;
    }

    private Future<Void> finish() {
        for (RelaySession s : relay.sessions()) {
            s.abortConnections();
        }
        List<Future<Void>> writes = relay.sessions().stream().map(RelaySession::flushRecord).toList();
        return Future.join(writes).transform(ar -> {
            long failed = writes.stream().filter(Future::failed).count();
            if (failed > 0) {
                relay.log().warn(Event.RELAY_DRAINED, "drained, but " + failed + " of " + writes.size()
                        + " session records could not be written; those sessions resume from older records",
                        "records_failed", failed);
                return Future.failedFuture(failed + " session records could not be written");
            }
            relay.log().info(Event.RELAY_DRAINED, "drained", "records_written", writes.size());
            return Future.succeededFuture();
        });
    }
}
