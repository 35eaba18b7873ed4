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

    /** What one shard's drain wrote: records written, and records that could not be. */
    record Outcome(int written, int failed) {
    }

    private final Relay relay;
    private Future<Outcome> done;

    NodeDrain(Relay relay) {
        this.relay = relay;
    }

    Future<Outcome> run() {
        if (done != null) {
            return done;
        }
        relay.log().debug(Event.RELAY_DRAINING, "shard draining: " + relay.sessions().size() + " sessions, "
                + relay.hops().size() + " forwarded transports");
        for (ClientTransport hop : List.copyOf(relay.hops())) {
            hop.close(TransportClose.DRAINING, "");
        }
        for (RelaySession s : relay.sessions()) {
            s.drain();
        }
        Promise<Outcome> finished = Promise.promise();
        long started = relay.now();
        long deadline = started + relay.options().drainGrace().toMillis();
        long idleWait = started + Math.min(relay.options().drainGrace().toMillis(), IDLE_MOVE_WAIT_MILLIS);
        relay.vertx().setPeriodic(CHECK_EVERY_MILLIS, timer -> {
            relay.sessions().stream().filter(s -> !s.serving()).toList().forEach(relay::forget);
            boolean busy = relay.sessions().stream().anyMatch(s -> s.upstreamCount() > 0);
            long now = relay.now();
            if (relay.sessions().isEmpty() || (!busy && now >= idleWait) || now >= deadline) {
                relay.vertx().cancelTimer(timer);
                finish().onComplete(finished);
            }
        });
        // The client port closes when every shard is done (RelayShards): closing it closes the
        // transports it accepted, and some may be bridged to another shard's busy session.
        done = finished.future();
        return done;
    }

    private Future<Outcome> finish() {
        for (RelaySession s : relay.sessions()) {
            s.abortConnections();
        }
        List<Future<Void>> writes = relay.sessions().stream().map(RelaySession::flushRecord).toList();
        return Future.join(writes).transform(ar -> {
            int failed = (int) writes.stream().filter(Future::failed).count();
            return Future.succeededFuture(new Outcome(writes.size() - failed, failed));
        });
    }
}
