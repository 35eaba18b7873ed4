package io.reconnector.relay;

import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import io.reconnector.store.SessionKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Control messages between relay nodes over the (clustered) event bus: small and rare, so its
 * speed does not matter. Session bytes never go this way (they take the peer port). Every
 * request and reply carries a {@link ControlProof}; a node ignores any that fails it, is
 * stale, or was seen before, so reaching the event bus port is not enough to give orders.
 *
 * <p>A request that gets no answer fails its future with Vert.x's {@code ReplyException},
 * whose failure type tells a timeout from a node with no consumer from a node that failed.
 */
final class ClusterControl {
    private static final long TIMEOUT_MILLIS = 3000;
    private static final String OP = "op";
    private static final String IDENTITY = "identity";
    private static final String CLIENT_ID = "clientId";
    private static final String EPOCH = "epoch";
    private static final String FROM = "from";
    private static final String TO = "to";
    private static final String ANSWER = "answer";
    private static final String REQUEST_NONCE = "requestNonce";
    private static final List<String> REQUEST_FIELDS = List.of(OP, IDENTITY, CLIENT_ID, EPOCH, FROM, TO);
    private static final List<String> REPLY_FIELDS = List.of(ANSWER, REQUEST_NONCE, TO);
    /** Failure codes a node answers with. */
    private static final int FAILED = 500;
    private static final int REFUSED = 403;

    /** What one node asks another. */
    enum Op {
        /** A Start Session elsewhere replaced your session at this epoch: drop it. */
        KILL,
        /** A client of your session came back through me: hand the session over if it is idle. */
        HANDOVER
    }

    /** A home's answer to {@link Op#HANDOVER} (a {@link Op#KILL} is answered {@link #DONE}). */
    enum HandoverAnswer {
        /** The session was idle; its record now names the asking node as home. */
        MOVED,
        /** The session has open connections: its sockets can live only on the home. */
        BUSY,
        /** The home does not hold this session (ended, or it never held it). */
        UNKNOWN,
        DONE
    }

    /** A request from another node. */
    record Request(Op op, SessionKey key, long epoch, String from) {
    }

    /** What this node does with requests from others. */
    interface Handler {
        Future<HandoverAnswer> handover(Request r);

        void kill(Request r);
    }

    private final Vertx vertx;
    private final String self;
    private final ControlProof proof;
    private final ReplayGuard replays;
    private final LongSupplier clock;
    private final EventLog log;

    ClusterControl(Vertx vertx, String self, byte[] controlKey, ReplayGuard replays, LongSupplier clock, EventLog log) {
        this.vertx = vertx;
        this.self = self;
        this.proof = new ControlProof(controlKey);
        this.replays = replays;
        this.clock = clock;
        this.log = log;
    }

    private static String address(String node) {
        return "reconnector.node." + node;
    }

    /** Serves this node's control address. */
    Future<Void> serve(Handler handler) {
        return vertx.eventBus().<JsonObject>consumer(address(self), msg -> onRequest(msg, handler)).completion();
    }

    private void onRequest(Message<JsonObject> msg, Handler handler) {
        JsonObject b = msg.body();
        String refusal = refusal(b, REQUEST_FIELDS);
        if (refusal == null && !self.equals(b.getString(TO))) {
            refusal = "addressed to " + b.getString(TO);
        }
        Op op = null;
        if (refusal == null) {
            try {
                op = Op.valueOf(b.getString(OP));
            } catch (RuntimeException e) {
                refusal = "an unknown request " + b.getString(OP);
            }
        }
        if (refusal != null) {
            log.infoLimited(Event.CONTROL_REFUSED, "refused a control message: " + refusal, "reason", refusal);
            msg.fail(REFUSED, "refused");
            return;
        }
        Request r = new Request(op, new SessionKey(b.getString(IDENTITY), b.getLong(CLIENT_ID)), b.getLong(EPOCH),
                b.getString(FROM));
        byte[] nonce = ControlProof.nonce(b);
        switch (op) {
            case KILL -> {
                handler.kill(r);
                msg.reply(reply(HandoverAnswer.DONE, nonce, r.from()));
            }
            case HANDOVER -> handler.handover(r).onComplete(ar -> {
                if (ar.succeeded()) {
                    msg.reply(reply(ar.result(), nonce, r.from()));
                } else {
                    msg.fail(FAILED, String.valueOf(ar.cause().getMessage()));
                }
            });
        }
    }

    /** Null when {@code b} carries a valid, fresh, unseen proof; else why not. */
    private String refusal(JsonObject b, List<String> fields) {
        if (!proof.valid(b, fields)) {
            return "no valid proof of the cluster secret";
        }
        return switch (replays.check(ControlProof.nonce(b), b.getLong(ControlProof.TS), clock.getAsLong())) {
            case FRESH -> null;
            case STALE -> "a stale proof";
            case REPLAYED -> "a replayed message";
            case FULL -> "too many messages within the replay window";
        };
    }

    private JsonObject reply(HandoverAnswer answer, byte[] requestNonce, String to) {
        JsonObject r = new JsonObject().put(ANSWER, answer.name())
                .put(REQUEST_NONCE, java.util.Base64.getEncoder().encodeToString(requestNonce)).put(TO, to);
        return proof.sign(r, REPLY_FIELDS, clock.getAsLong());
    }

    /** Asks {@code home} to hand an idle session over to this node. */
    Future<HandoverAnswer> handover(String home, SessionKey key) {
        return request(home, Op.HANDOVER, key, 0);
    }

    /** Tells {@code home} that its session (at {@code epoch}) was replaced by a Start Session here. */
    Future<Void> kill(String home, SessionKey key, long epoch) {
        return request(home, Op.KILL, key, epoch).mapEmpty();
    }

    private Future<HandoverAnswer> request(String home, Op op, SessionKey key, long epoch) {
        JsonObject body = proof.sign(new JsonObject().put(OP, op.name()).put(IDENTITY, key.identity())
                .put(CLIENT_ID, key.clientId()).put(EPOCH, epoch).put(FROM, self).put(TO, home),
                REQUEST_FIELDS, clock.getAsLong());
        String nonce = body.getString(ControlProof.NONCE);
        return vertx.eventBus().<JsonObject>request(address(home), body, new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS))
                .compose(m -> {
                    JsonObject r = m.body();
                    String refusal = refusal(r, REPLY_FIELDS);
                    if (refusal == null && (!nonce.equals(r.getString(REQUEST_NONCE)) || !self.equals(r.getString(TO)))) {
                        refusal = "a reply to another request";
                    }
                    if (refusal != null) {
                        log.warn(Event.CONTROL_REFUSED, "refused a reply from " + home + ": " + refusal, "reason", refusal);
                        return Future.failedFuture("refused reply: " + refusal);
                    }
                    return Future.succeededFuture(HandoverAnswer.valueOf(r.getString(ANSWER)));
                });
    }
}
