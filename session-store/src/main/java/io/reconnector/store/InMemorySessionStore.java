package io.reconnector.store;

import io.vertx.core.Future;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A store in one process, for tests and for a relay without a cluster. */
public final class InMemorySessionStore implements SessionStore {
    private final ConcurrentMap<SessionKey, SessionRecord> records = new ConcurrentHashMap<>();

    @Override
    public Future<Optional<SessionRecord>> get(SessionKey key) {
        return Future.succeededFuture(Optional.ofNullable(records.get(key)));
    }

    @Override
    public Future<Started> start(SessionKey key, String node, long now) {
        SessionRecord[] old = new SessionRecord[1];
        SessionRecord fresh = records.compute(key, (k, prev) -> {
            old[0] = prev;
            return SessionRecord.started(key, prev == null ? 1 : prev.epoch() + 1, node, now);
        });
        return Future.succeededFuture(new Started(fresh,
                Optional.ofNullable(old[0]).map(p -> new Previous(p.homeNode(), p.epoch()))));
    }

    @Override
    public Future<Boolean> update(SessionRecord record) {
        return replace(record.epoch(), record);
    }

    @Override
    public Future<Boolean> replace(long expectedEpoch, SessionRecord next) {
        boolean[] ok = new boolean[1];
        records.computeIfPresent(next.key(), (k, prev) -> {
            ok[0] = prev.epoch() == expectedEpoch;
            return ok[0] ? next : prev;
        });
        return Future.succeededFuture(ok[0]);
    }

    @Override
    public Future<Integer> countSessions(String identity, long exceptClientId) {
        return Future.succeededFuture((int) records.keySet().stream()
                .filter(k -> k.identity().equals(identity) && k.clientId() != exceptClientId).count());
    }

    @Override
    public Future<Boolean> remove(SessionKey key, long epoch) {
        boolean[] ok = new boolean[1];
        records.computeIfPresent(key, (k, prev) -> {
            ok[0] = prev.epoch() == epoch;
            return ok[0] ? null : prev;
        });
        return Future.succeededFuture(ok[0]);
    }
}
