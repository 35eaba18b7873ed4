package io.reconnector.relay;

import io.reconnector.store.InMemorySessionStore;
import io.reconnector.store.SessionKey;
import io.reconnector.store.SessionRecord;
import io.reconnector.store.SessionStore;
import io.vertx.core.Future;

import java.util.Optional;

/** An in-memory store for tests that change one call (count it, hold its answer) and pass the rest on. */
abstract class ForwardingStore implements SessionStore {
    final InMemorySessionStore inner = new InMemorySessionStore();

    @Override
    public Future<Optional<SessionRecord>> get(SessionKey key) {
        return inner.get(key);
    }

    @Override
    public Future<Started> start(SessionKey key, String node, long now) {
        return inner.start(key, node, now);
    }

    @Override
    public Future<Boolean> update(SessionRecord record) {
        return inner.update(record);
    }

    @Override
    public Future<Boolean> replace(long expectedEpoch, SessionRecord next) {
        return inner.replace(expectedEpoch, next);
    }

    @Override
    public Future<Boolean> remove(SessionKey key, long epoch) {
        return inner.remove(key, epoch);
    }

    @Override
    public Future<Integer> countSessions(String identity, long exceptClientId) {
        return inner.countSessions(identity, exceptClientId);
    }
}
