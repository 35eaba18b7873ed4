package io.reconnector.store;

import io.vertx.core.Future;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A store in one process, for tests and for an agent-side demo without a cluster. */
public final class InMemorySessionStore implements SessionStore {
    private final ConcurrentMap<Long, SessionRecord> records = new ConcurrentHashMap<>();

    @Override
    public Future<Optional<SessionRecord>> get(long clientId) {
        return Future.succeededFuture(Optional.ofNullable(records.get(clientId)));
    }

    @Override
    public Future<Started> start(long clientId, String node, long now) {
        SessionRecord[] old = new SessionRecord[1];
        SessionRecord fresh = records.compute(clientId, (k, prev) -> {
            old[0] = prev;
            return SessionRecord.started(clientId, prev == null ? 1 : prev.epoch() + 1, node, now);
        });
        return Future.succeededFuture(new Started(fresh, old[0]));
    }

    @Override
    public Future<Boolean> update(SessionRecord record) {
        boolean[] ok = new boolean[1];
        records.computeIfPresent(record.clientId(), (k, prev) -> {
            ok[0] = prev.epoch() == record.epoch();
            return ok[0] ? record : prev;
        });
        return Future.succeededFuture(ok[0]);
    }

    @Override
    public Future<Boolean> replace(long expectedEpoch, SessionRecord next) {
        boolean[] ok = new boolean[1];
        records.computeIfPresent(next.clientId(), (k, prev) -> {
            ok[0] = prev.epoch() == expectedEpoch;
            return ok[0] ? next : prev;
        });
        return Future.succeededFuture(ok[0]);
    }

    @Override
    public Future<Boolean> remove(long clientId, long epoch) {
        boolean[] ok = new boolean[1];
        records.computeIfPresent(clientId, (k, prev) -> {
            ok[0] = prev.epoch() == epoch;
            return ok[0] ? null : prev;
        });
        return Future.succeededFuture(ok[0]);
    }
}
