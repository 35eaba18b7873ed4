package io.reconnector.store;

import io.vertx.core.Future;

import java.util.Optional;

/**
 * Where session records live, keyed by {@link SessionKey}. Every write that changes who
 * serves a session is atomic per key and fenced by the record's epoch. A read of a record
 * that was altered or forged fails with {@link RefusedRecord}.
 */
public interface SessionStore {

    Future<Optional<SessionRecord>> get(SessionKey key);

    /**
     * Replaces whatever record the session had with a fresh one for Start Session, with an
     * epoch above any it had; returns the new record and where the old one lived (so that
     * home can be told to kill it).
     */
    Future<Started> start(SessionKey key, String node, long now);

    /**
     * Writes {@code record} only if the stored record has the same epoch: the writer still
     * owns the session. False means it was fenced off (another node or transport took over).
     */
    Future<Boolean> update(SessionRecord record);

    /**
     * Writes {@code next} (an ownership change: new epoch, maybe a new home) only if the stored
     * record still has {@code expectedEpoch}. False means someone else changed it first.
     */
    Future<Boolean> replace(long expectedEpoch, SessionRecord next);

    /** Removes the record if its epoch is still {@code epoch}. */
    Future<Boolean> remove(SessionKey key, long epoch);

    /** How many sessions {@code identity} has, not counting the one with {@code exceptClientId}. */
    Future<Integer> countSessions(String identity, long exceptClientId);

    /** The session a Start Session replaced: its home and epoch. */
    record Previous(String homeNode, long epoch) {
    }

    /** The outcome of {@link #start}: the new record and the one it replaced, if any. */
    record Started(SessionRecord record, Optional<Previous> previous) {
    }

    /** A stored record that fails its seal: altered or forged by someone without the cluster secret. */
    final class RefusedRecord extends Exception {
        public RefusedRecord(String why) {
            super(why);
        }
    }
}
