package io.reconnector.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.function.BiFunction;

/**
 * Control messages between relay nodes over the (clustered) event bus: small and rare, so its
 * speed does not matter. Session bytes never go this way (they take the peer port).
 */
final class ClusterControl {
    static final String KILL = "kill";
    static final String HANDOVER = "handover";

    private final Vertx vertx;
    private final String self;

    ClusterControl(Vertx vertx, String self) {
        this.vertx = vertx;
        this.self = self;
    }

    private static String address(String node) {
        return "reconnector.node." + node;
    }

    /** Serves this node's control address; the handler answers each request with a word. */
    Future<Void> serve(BiFunction<String, JsonObject, Future<String>> handler) {
        return vertx.eventBus().<JsonObject>consumer(address(self), msg -> {
            JsonObject body = msg.body();
            handler.apply(body.getString("op"), body).onComplete(ar -> msg.reply(ar.succeeded() ? ar.result() : "error"));
        }).completion();
    }

    /** Asks {@code home} to hand an idle session over to this node: "ok", "busy" or "unknown". */
    Future<String> handover(String home, long clientId) {
        return vertx.eventBus().<String>request(address(home),
                        new JsonObject().put("op", HANDOVER).put("clientId", clientId).put("to", self),
                        new DeliveryOptions().setSendTimeout(3000))
                .map(m -> m.body());
    }

    /** Tells {@code home} that its session (at {@code epoch}) was replaced by a Start Session here. */
    void kill(String home, long clientId, long epoch) {
        vertx.eventBus().request(address(home),
                new JsonObject().put("op", KILL).put("clientId", clientId).put("epoch", epoch).put("by", self),
                new DeliveryOptions().setSendTimeout(3000));
    }
}
