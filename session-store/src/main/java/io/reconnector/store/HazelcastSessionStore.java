package io.reconnector.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Session records in a Hazelcast IMap, sealed ({@link RecordSeal}): a dump of the map shows
 * who is where, not what they carry, and a node refuses a record changed without the cluster
 * secret. Every write is an EntryProcessor run on the key's partition owner, fenced by the
 * clear epoch, so two nodes racing for one session are serialised there; sealing happens on
 * the writing node, so no processor ever carries a key. Calls come back as Vert.x futures on
 * the caller's context.
 */
public final class HazelcastSessionStore implements SessionStore {
    public static final String MAP_NAME = "reconnector-sessions";
    /** A Start Session retries this often when another node's write lands between its read and its write. */
    private static final int START_ATTEMPTS = 8;
    /** The epoch expected of a record that does not exist yet. */
    private static final long NONE = -1;

    private final IMap<String, SealedRecord> map;
    private final Context context;
    private final RecordSeal seal;

    public HazelcastSessionStore(HazelcastInstance hazelcast, Context context, ClusterKeys keys) {
        this.map = hazelcast.getMap(MAP_NAME);
        this.context = context;
        this.seal = new RecordSeal(keys);
    }

    private <T> Future<T> future(CompletionStage<T> stage) {
        return HazelcastFutures.on(context, stage);
    }

    @Override
    public Future<Optional<SessionRecord>> get(SessionKey key) {
        return future(map.getAsync(key.storeKey())).compose(s -> {
            if (s == null) {
                return Future.succeededFuture(Optional.empty());
            }
            try {
                return Future.succeededFuture(Optional.of(seal.open(s)));
            } catch (RefusedRecord e) {
                return Future.failedFuture(e);
            }
        });
    }

    /** Read, then write the next epoch if nobody wrote meanwhile (optimistic, so sealing stays on this node). */
    @Override
    public Future<Started> start(SessionKey key, String node, long now) {
        return start(key, node, now, START_ATTEMPTS);
    }

    private Future<Started> start(SessionKey key, String node, long now, int attempts) {
        return future(map.getAsync(key.storeKey())).compose(prev -> {
            long prevEpoch = prev == null ? NONE : prev.epoch();
            SessionRecord fresh = SessionRecord.started(key, prevEpoch == NONE ? 1 : prevEpoch + 1, node, now);
            return future(map.submitToKey(key.storeKey(), new Write(prevEpoch, seal.seal(fresh)))).compose(ok -> {
                if (ok) {
                    return Future.succeededFuture(new Started(fresh, Optional.ofNullable(prev)
                            .map(p -> new Previous(p.homeNode(), p.epoch()))));
                }
                if (attempts <= 1) {
                    return Future.failedFuture(new IllegalStateException("session " + key + " keeps changing hands"));
                }
                return start(key, node, now, attempts - 1);
            });
        });
    }

    @Override
    public Future<Boolean> update(SessionRecord record) {
        return replace(record.epoch(), record);
    }

    @Override
    public Future<Boolean> replace(long expectedEpoch, SessionRecord next) {
        return future(map.submitToKey(next.key().storeKey(), new Write(expectedEpoch, seal.seal(next))));
    }

    @Override
    public Future<Boolean> remove(SessionKey key, long epoch) {
        return future(map.submitToKey(key.storeKey(), new Write(epoch, null)));
    }

    /** Counted where the records live, on every member, by the key's identity part. */
    @Override
    public Future<Integer> countSessions(String identity, long exceptClientId) {
        String except = new SessionKey(identity, exceptClientId).storeKey();
        return context.executeBlocking(() -> map.aggregate(Aggregators.count(), new OfIdentity(identity, except)).intValue());
    }

    /** Map entries whose key names {@code identity}, except {@code exceptKey}. */
    record OfIdentity(String identity, String exceptKey) implements Predicate<String, SealedRecord> {
        @Override
        public boolean apply(Map.Entry<String, SealedRecord> e) {
            String k = e.getKey();
            int slash = k.indexOf('/');
            return slash >= 0 && k.substring(slash + 1).equals(identity) && !k.equals(exceptKey);
        }
    }

    /**
     * Writes {@code next} (or removes the entry when it is null) only if the stored record's
     * epoch is {@code expectedEpoch} ({@link #NONE}: only if there is none).
     */
    record Write(long expectedEpoch, SealedRecord next) implements EntryProcessor<String, SealedRecord, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, SealedRecord> entry) {
            SealedRecord prev = entry.getValue();
            long found = prev == null ? NONE : prev.epoch();
            if (found != expectedEpoch) {
                return false;
            }
            entry.setValue(next);
            return true;
        }
    }
}
