package io.reconnector.relay;

import io.reconnector.edge.Event;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.engine.ServerSessionEngine;
import io.reconnector.store.SessionKey;
import io.reconnector.store.SessionRecord;
import io.reconnector.store.SessionStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;

import java.util.Optional;

/**
 * Decides what a transport's handshake gets. Start Session: a fresh session here, killing any
 * old one wherever it lives. Reconnect Session, for a session homed here: resume it. For a
 * session homed elsewhere, in order of preference: take it over by a clean handover when it is
 * idle (its home moves here), forward the transport raw to the home's peer port when it is not,
 * or take it over from its record when the home is gone. Unknown sessions are rejected.
 */
final class HandshakeRouter {
    /** How often a Reconnect is routed again when the session changes hands under it. */
    private static final int MAX_ROUTE_ATTEMPTS = 3;

    private static final Future<Routed> SETTLED = Future.succeededFuture(Routed.SETTLED);
    private static final Future<Routed> AGAIN = Future.succeededFuture(Routed.AGAIN);

    private final Relay relay;

    HandshakeRouter(Relay relay) {
        this.relay = relay;
    }

    void route(ClientTransport t, ResumeHandshake h) {
        if (h.resume()) {
            resume(t, h, 1);
        } else {
            start(t, h);
        }
    }

    /** The session this transport's handshake names: its identity's, with the client id it gave. */
    private static SessionKey key(ClientTransport t, ResumeHandshake h) {
        return t.identity().key(h.clientId());
    }

    /**
     * A Start Session, within the limits: sessions on this node (a Start that replaces a session
     * here adds none), and sessions of this identity across the cluster (of this source address
     * on this node, for a client without a certificate).
     */
    private void start(ClientTransport t, ResumeHandshake h) {
        SessionKey key = key(t, h);
        Limits limits = relay.options().limits();
        if (relay.shards().session(key) == null && relay.shards().sessionCount() >= limits.maxSessions()) {
            refuse(t, Limits.Limit.SESSIONS, "a session for " + key + ": this node holds " + limits.maxSessions());
            return;
        }
        sessionsOf(t, key).onComplete(count -> {
            if (count.failed()) {
                storeUnavailable(t, key, count);
            } else if (count.result() >= limits.maxSessionsPerIdentity()) {
                refuse(t, Limits.Limit.SESSIONS_PER_IDENTITY, "a session for " + key + ": "
                        + (key.identity().isEmpty() ? "address " + t.sourceAddress() : "identity " + key.identity())
                        + " has " + count.result());
            } else if (!t.closed()) {
                startWithinLimits(t, h, key);
            }
        });
    }

    private Future<Integer> sessionsOf(ClientTransport t, SessionKey key) {
        if (key.identity().isEmpty()) {
            return Future.succeededFuture(relay.shards().anonymousSessionsFrom(t.sourceAddress(),
                    key.clientId()));
        }
        return relay.store().countSessions(key.identity(), key.clientId());
    }

    private void refuse(ClientTransport t, Limits.Limit limit, String what) {
        relay.refused(limit, what);
        t.close(TransportClose.LIMIT, limit.name().toLowerCase());
    }

    private void startWithinLimits(ClientTransport t, ResumeHandshake h, SessionKey key) {
        relay.store().start(key, relay.options().nodeName(), relay.now()).onComplete(ar -> {
            if (ar.failed()) {
                storeUnavailable(t, key, ar);
                return;
            }
            // A session of this key already served here ends when the new one is adopted, unless
            // the store's epochs say it is the newer of two racing starts (Relay.adopt).
            ar.result().previous().ifPresent(prev -> {
                if (!prev.homeNode().equals(relay.options().nodeName())) {
                    relay.log().info(Event.SESSION_ENDED, "session " + key + ": Start Session here kills the old one on "
                            + prev.homeNode(), "client_id", key.clientId(), "identity", key.identityForLogs(),
                            "reason", RelaySession.EndReason.KILLED.name());
                    relay.control().kill(prev.homeNode(), key, prev.epoch()).onFailure(e -> relay.log().warn(
                            Event.SESSION_ENDED, "could not tell " + prev.homeNode() + " to drop session " + key + " ("
                                    + e.getMessage() + "); its next record write will be fenced off",
                            "client_id", key.clientId()));
                }
            });
            RelaySession fresh = new RelaySession(relay, ar.result().record(),
                    new ServerSessionEngine(key.clientId(), relay.options().engineConfig()));
            fresh.startedFrom = t.sourceAddress();
            relay.adopt(t, h, fresh);
        });
    }

    /**
     * A Reconnect: to the session if this node serves it; else, from its record, with no other
     * shard of this node routing the same session meanwhile ({@link Arrivals}).
     */
    private void resume(ClientTransport t, ResumeHandshake h, int attempt) {
        SessionKey key = key(t, h);
        if (resumeHere(t, h, attempt)) {
            return;
        }
        Arrivals arrivals = relay.shards().arrivals();
        if (!arrivals.claim(key, () -> relay.onLoop(() -> {
            if (!t.closed()) {
                resume(t, h, attempt);
            }
        }))) {
            return; // another transport of this session is being routed here: this one goes after it
        }
        Future<Routed> routed;
        try {
            routed = fromStore(t, h, key, attempt);
        } catch (RuntimeException e) {
            routed = Future.failedFuture(e);
        }
        routed.onComplete(ar -> {
            arrivals.release(key);
            if (ar.failed()) {
                relay.log().warn(null, "session " + key + ": routing its Reconnect failed (" + ar.cause() + ")",
                        "client_id", key.clientId());
                t.close(TransportClose.ROUTE_UNSETTLED, "session " + h.clientId());
            } else if (ar.result() == Routed.AGAIN) {
                retry(t, h, attempt);
            }
        });
    }

    /** How routing a Reconnect from the session's record ended. */
    private enum Routed {
        /** The transport has its answer: attached, forwarded, rejected or closed. */
        SETTLED,
        /** The session changed hands meanwhile: route the transport again. */
        AGAIN
    }

    private Future<Routed> fromStore(ClientTransport t, ResumeHandshake h, SessionKey key, int attempt) {
        return relay.store().get(key).transform(ar -> {
            if (ar.failed() && ar.cause() instanceof SessionStore.RefusedRecord refused) {
                // Altered or forged: as unknown to the client as a session that never was.
                relay.metrics().rejected(RelayMetrics.Rejection.FORGED_RECORD);
                relay.log().infoLimited(Event.RECORD_REFUSED, refused.getMessage(), "client_id", key.clientId(),
                        "identity", key.identityForLogs());
                t.reject(key.clientId());
            } else if (ar.failed()) {
                storeUnavailable(t, key, ar);
            } else if (ar.result().isEmpty()) {
                t.reject(key.clientId());
            } else if (!t.closed()) {
                return fromRecord(t, h, ar.result().get(), attempt);
            }
            return SETTLED;
        });
    }

    /**
     * The session is served on this node: the transport attaches to it, straight when this
     * shard serves it, across a {@link LoopBridge} when another shard does.
     */
    private boolean resumeHere(ClientTransport t, ResumeHandshake h, int attempt) {
        SessionKey key = key(t, h);
        RelaySession local = relay.session(key);
        if (local != null && local.serving()) {
            local.attach(t, h);
            return true;
        }
        RelaySession elsewhere = relay.shards().session(key);
        if (elsewhere != null && elsewhere.relay != relay) {
            relay.metrics().bridge();
            new LoopBridge(t, relay, elsewhere.relay).attach(key, h, () -> retry(t, h, attempt));
            return true;
        }
        return false;
    }

    private Future<Routed> fromRecord(ClientTransport t, ResumeHandshake h, SessionRecord rec, int attempt) {
        if (resumeHere(t, h, attempt)) {
            return SETTLED;
        }
        if (rec.homeNode().equals(relay.options().nodeName())) {
            // Homed here, but not in this process (and no shard is moving it in: Arrivals):
            // a previous incarnation of this node died with it.
            return takeOver(t, h, rec);
        }
        return relay.directory().lookup(rec.homeNode()).transform(nar -> {
            Optional<NodeInfo> home = nar.succeeded() ? nar.result() : Optional.empty();
            if (home.isEmpty() || !relay.directory().alive(home.get())) {
                return takeOver(t, h, rec);
            }
            return relay.control().handover(rec.homeNode(), rec.key()).transform(answer ->
                    afterHandover(t, h, rec, home.get(), answer));
        });
    }

    private Future<Routed> afterHandover(ClientTransport t, ResumeHandshake h, SessionRecord rec, NodeInfo home,
                                         AsyncResult<ClusterControl.HandoverAnswer> answer) {
        boolean movedHere = answer.succeeded() && answer.result() == ClusterControl.HandoverAnswer.MOVED;
        if (t.closed() && !movedHere) {
            return SETTLED; // the client gave up on this transport; a moved session is ours whatever happens to it
        }
        if (answer.failed()) {
            // The home is a member but did not answer (timed out, no consumer yet or any more, or
            // it failed to write the move). It may still hold the session: try its peer port,
            // which takes the session over if the home turns out to be gone.
            relay.log().info(null, "session " + h.clientId() + ": " + home.name() + " did not answer the handover ("
                    + describe(answer.cause()) + "); forwarding", "client_id", h.clientId());
            return forward(t, h, home, rec);
        }
        return switch (answer.result()) {
            case MOVED -> relay.store().get(rec.key()).transform(rar -> {
                Optional<SessionRecord> moved = rar.succeeded() ? rar.result() : Optional.empty();
                if (moved.isPresent() && moved.get().homeNode().equals(relay.options().nodeName())) {
                    relay.log().info(Event.SESSION_MOVED_IN, "session " + h.clientId() + " moved here from "
                            + rec.homeNode() + " (idle)", "client_id", h.clientId(), "from", rec.homeNode());
                    relay.adopt(t, h, new RelaySession(relay, moved.get(), ServerSessionEngine.restore(h.clientId(),
                            relay.options().engineConfig(), RecordCodec.snapshot(moved.get()), false)));
                    return SETTLED;
                }
                if (rar.failed()) {
                    storeUnavailable(t, rec.key(), rar);
                    return SETTLED;
                }
                return AGAIN;
            });
            case BUSY -> forward(t, h, home, rec);
            case UNKNOWN, DONE -> takeOver(t, h, rec);
        };
    }

    private static String describe(Throwable t) {
        return t instanceof ReplyException r ? r.failureType() + ": " + r.getMessage() : String.valueOf(t.getMessage());
    }

    private void retry(ClientTransport t, ResumeHandshake h, int attempt) {
        if (t.closed()) {
            return;
        }
        if (attempt >= MAX_ROUTE_ATTEMPTS) {
            t.close(TransportClose.ROUTE_UNSETTLED, "session " + h.clientId());
        } else {
            resume(t, h, attempt + 1);
        }
    }

    /** Makes this node the session's home from its record, fenced by the epoch we read. */
    private Future<Routed> takeOver(ClientTransport t, ResumeHandshake h, SessionRecord rec) {
        SessionKey id = rec.key();
        SessionRecord mine = rec.withEpoch(rec.epoch() + 1, relay.options().nodeName()).withAttached(true, relay.now());
        return relay.store().replace(rec.epoch(), mine).transform(ar -> {
            if (ar.failed()) {
                storeUnavailable(t, id, ar);
                return SETTLED;
            }
            if (!ar.result()) {
                return AGAIN; // someone else changed the record first: look again
            }
            relay.metrics().takeover();
            relay.log().info(Event.SESSION_TAKEN_OVER, "session " + id + ": took over from " + rec.homeNode()
                    + " (home lost; " + rec.connections().size() + " connections there are closed)",
                    "client_id", id.clientId(), "identity", id.identityForLogs(), "from", rec.homeNode());
            relay.adopt(t, h, new RelaySession(relay, mine, ServerSessionEngine.restore(id.clientId(),
                    relay.options().engineConfig(), RecordCodec.snapshot(rec), true)));
            return SETTLED;
        });
    }

    /** Passes the client's transport, raw, to the session's home over its peer port. */
    private Future<Routed> forward(ClientTransport t, ResumeHandshake h, NodeInfo home, SessionRecord rec) {
        return relay.peerClient().connect(home.peerPort(), home.peerHost()).transform(ar -> {
            if (ar.failed()) {
                relay.log().info(null, "session " + h.clientId() + ": home " + home.name() + " unreachable ("
                        + ar.cause().getMessage() + "); taking the session over", "client_id", h.clientId());
                return takeOver(t, h, rec);
            }
            if (t.closed()) {
                ar.result().close();
                return SETTLED;
            }
            relay.metrics().hop();
            relay.log().info(Event.TRANSPORT_FORWARDED, "session " + h.clientId() + ": forwarding the transport to its home "
                    + home.name(), "client_id", h.clientId(), "home", home.name());
            t.becomeHop(ar.result());
            return SETTLED;
        });
    }

    private void storeUnavailable(ClientTransport t, SessionKey id, AsyncResult<?> ar) {
        relay.log().warn(Event.STORE_UNAVAILABLE, "session " + id + ": the session store is unavailable ("
                + ar.cause().getMessage() + ")", "client_id", id.clientId());
        t.close(TransportClose.STORE_UNAVAILABLE, "");
    }
}
