package io.reconnector.store;

import io.vertx.core.Future;

import java.util.Optional;

/**
 * Where session records live. Every write that changes who serves a session is atomic per
 * key and fenced by the record's epoch.
 */
public interface SessionStore {

    Future<Optional<SessionRecord>> get(long clientId);

    /**
     * Replaces whatever record the client had with a fresh one for Start Session, with an
     * epoch above any the client had; returns the new record (and the old one, if any, so its
     * home can be told to kill it).
     */
    Future<Started> start(long clientId, String node, long now);

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
    Future<Boolean> remove(long clientId, long epoch);

    /** The outcome of {@link #start}: the new record and the one it replaced, if any. */
    record Started(SessionRecord record, SessionRecord previous) implements java.io.Serializable {
        public Optional<SessionRecord> replaced() {
            return Optional.ofNullable(previous);
        }
    }
}
