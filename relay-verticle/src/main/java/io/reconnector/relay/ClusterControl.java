package io.reconnector.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Control messages between relay nodes over the (clustered) event bus: small and rare, so its
 * speed does not matter. Session bytes never go this way (they take the peer port).
 *
 * <p>A request that gets no answer fails its future with Vert.x's {@code ReplyException},
 * whose failure type tells a timeout from a node with no consumer from a node that failed.
 */
final class ClusterControl {
    private static final long TIMEOUT_MILLIS = 3000;
    private static final String OP = "op";
    private static final String CLIENT_ID = "clientId";
    private static final String EPOCH = "epoch";
    private static final String FROM = "from";
    /** Failure code a node answers with when it could not carry out a request. */
    private static final int FAILED = 500;

    /** What one node asks another. */
    enum Op {
        /** A Start Session elsewhere replaced your session at this epoch: drop it. */
        KILL,
        /** A client of your session came back through me: hand the session over if it is idle. */
        HANDOVER
    }

    /** A home's answer to {@link Op#HANDOVER}. */
    enum HandoverAnswer {
        /** The session was idle; its record now names the asking node as home. */
        MOVED,
        /** The session has open connections: its sockets can live only on the home. */
        BUSY,
        /** The home does not hold this session (ended, or it never held it). */
        UNKNOWN
    }

    /** A request from another node. */
    record Request(Op op, long clientId, long epoch, String from) {
    }

    /** What this node does with requests from others. */
    interface Handler {
        Future<HandoverAnswer> handover(Request r);

        void kill(Request r);
    }

    private final Vertx vertx;
    private final String self;

    ClusterControl(Vertx vertx, String self) {
        this.vertx = vertx;
        this.self = self;
    }

    private static String address(String node) {
        return "reconnector.node." + node;
    }

    /** Serves this node's control address. */
    Future<Void> serve(Handler handler) {
        return vertx.eventBus().<JsonObject>consumer(address(self), msg -> onRequest(msg, handler)).completion();
    }

    private static void onRequest(Message<JsonObject> msg, Handler handler) {
        JsonObject b = msg.body();
        Op op;
        try {
            op = Op.valueOf(b.getString(OP));
        } catch (RuntimeException e) {
            msg.fail(FAILED, "unknown request " + b.getString(OP));
            return;
        }
        Request r = new Request(op, b.getLong(CLIENT_ID), b.getLong(EPOCH, 0L), b.getString(FROM));
        switch (op) {
            case KILL -> {
                handler.kill(r);
                msg.reply(null);
            }
            case HANDOVER -> handler.handover(r).onComplete(ar -> {
                if (ar.succeeded()) {
                    msg.reply(ar.result().name());
                } else {
                    msg.fail(FAILED, String.valueOf(ar.cause().getMessage()));
                }
            });
        }
    }

    /** Asks {@code home} to hand an idle session over to this node. */
    Future<HandoverAnswer> handover(String home, long clientId) {
        return vertx.eventBus().<String>request(address(home), body(Op.HANDOVER, clientId, 0),
                        new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS))
                .map(m -> HandoverAnswer.valueOf(m.body()));
    }

    /** Tells {@code home} that its session (at {@code epoch}) was replaced by a Start Session here. */
    Future<Void> kill(String home, long clientId, long epoch) {
        return vertx.eventBus().request(address(home), body(Op.KILL, clientId, epoch),
                new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS)).mapEmpty();
    }

    private JsonObject body(Op op, long clientId, long epoch) {
        return new JsonObject().put(OP, op.name()).put(CLIENT_ID, clientId).put(EPOCH, epoch).put(FROM, self);
    }
}
