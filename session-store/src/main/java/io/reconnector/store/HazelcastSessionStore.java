package io.reconnector.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Session records in a Hazelcast IMap. Every change of owner is an EntryProcessor run on the
 * key's partition owner, so two nodes racing for one session are serialised there; the
 * asynchronous calls come back as Vert.x futures on the caller's context.
 */
public final class HazelcastSessionStore implements SessionStore {
    public static final String MAP_NAME = "reconnector-sessions";

    private final IMap<Long, SessionRecord> map;
    private final Context context;

    public HazelcastSessionStore(HazelcastInstance hazelcast, Context context) {
        this.map = hazelcast.getMap(MAP_NAME);
        this.context = context;
    }

    private <T> Future<T> future(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }

    @Override
    public Future<Optional<SessionRecord>> get(long clientId) {
        return future(map.getAsync(clientId)).map(Optional::ofNullable);
    }

    @Override
    public Future<Started> start(long clientId, String node, long now) {
        return future(map.submitToKey(clientId, new StartProcessor(node, now)));
    }

    @Override
    public Future<Boolean> update(SessionRecord record) {
        return future(map.submitToKey(record.clientId(), new FencedUpdate(record)));
    }

    @Override
    public Future<Boolean> replace(long expectedEpoch, SessionRecord next) {
        return future(map.submitToKey(next.clientId(), new FencedReplace(expectedEpoch, next)));
    }

    @Override
    public Future<Boolean> remove(long clientId, long epoch) {
        return future(map.submitToKey(clientId, new FencedRemove(epoch)));
    }

    record StartProcessor(String node, long now) implements EntryProcessor<Long, SessionRecord, Started> {
        @Override
        public Started process(Map.Entry<Long, SessionRecord> entry) {
            SessionRecord prev = entry.getValue();
            SessionRecord fresh = SessionRecord.started(entry.getKey(), prev == null ? 1 : prev.epoch() + 1, node, now);
            entry.setValue(fresh);
            return new Started(fresh, prev);
        }
    }

    record FencedUpdate(SessionRecord record) implements EntryProcessor<Long, SessionRecord, Boolean> {
        @Override
        public Boolean process(Map.Entry<Long, SessionRecord> entry) {
            SessionRecord prev = entry.getValue();
            if (prev == null || prev.epoch() != record.epoch()) {
                return false;
            }
            entry.setValue(record);
            return true;
        }
    }

    record FencedReplace(long expectedEpoch, SessionRecord next) implements EntryProcessor<Long, SessionRecord, Boolean> {
        @Override
        public Boolean process(Map.Entry<Long, SessionRecord> entry) {
            SessionRecord prev = entry.getValue();
            if (prev == null || prev.epoch() != expectedEpoch) {
                return false;
            }
            entry.setValue(next);
            return true;
        }
    }

    record FencedRemove(long epoch) implements EntryProcessor<Long, SessionRecord, Boolean> {
        @Override
        public Boolean process(Map.Entry<Long, SessionRecord> entry) {
            SessionRecord prev = entry.getValue();
            if (prev == null || prev.epoch() != epoch) {
                return false;
            }
            entry.setValue(null);
            return true;
        }
    }
}
