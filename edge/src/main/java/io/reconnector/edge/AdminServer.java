package io.reconnector.edge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.micrometer.PrometheusRequestHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The operator's port ({@code --admin-listen}): {@code /metrics} in Prometheus text,
 * {@code /healthz} (alive: every event loop runs a task within a second) and {@code /readyz}
 * (ready: each named condition holds). Plain HTTP on its own address, so a NetworkPolicy can
 * open it to monitoring only; it serves nothing a client could use.
 */
public final class AdminServer {
    public static final String METRICS = "/metrics";
    public static final String HEALTHZ = "/healthz";
    public static final String READYZ = "/readyz";
    /** An event loop that has not run a task within this long is stuck. */
    private static final long LOOP_TIMEOUT_MILLIS = 1000;

    private final Vertx vertx;
    private final Metrics metrics;
    private final HealthChecks liveness;
    private final HealthChecks readiness;
    private HttpServer server;

    public AdminServer(Vertx vertx, Metrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.liveness = HealthChecks.create(vertx);
        this.readiness = HealthChecks.create(vertx);
        liveness.register("event-loops", LOOP_TIMEOUT_MILLIS * 2, this::eventLoopsAnswer);
    }

    /** {@code /readyz} answers 200 only while {@code holds} is true (checked on every request). */
    public AdminServer readyWhen(String name, BooleanSupplier holds) {
        readiness.register(name, p -> p.complete(holds.getAsBoolean() ? Status.OK() : Status.KO()));
        return this;
    }

    public Future<Integer> listen(HostPort at) {
        server = vertx.createHttpServer();
        var scrape = PrometheusRequestHandler.create(metrics.prometheus(), METRICS);
        server.requestHandler(req -> {
            switch (req.path()) {
                case METRICS -> scrape.handle(req);
                case HEALTHZ -> answer(req, liveness);
                case READYZ -> answer(req, readiness);
                default -> req.response().setStatusCode(404).end("not here: try " + METRICS + ", " + HEALTHZ
                        + " or " + READYZ + "\n");
            }
        });
        return server.listen(at.port(), at.host()).map(HttpServer::actualPort);
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private static void answer(HttpServerRequest req, HealthChecks checks) {
        checks.checkStatus().onComplete(ar -> {
            CheckResult r = ar.succeeded() ? ar.result() : null;
            boolean up = r != null && r.getUp();
            JsonObject body = r != null ? r.toJson() : new JsonObject().put("status", "DOWN")
                    .put("error", String.valueOf(ar.cause()));
            req.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
                    .end(body.encode() + "\n");
        });
    }

    /** Every event loop runs a no-op: a loop blocked by a stuck handler does not. */
    private void eventLoopsAnswer(Promise<Status> done) {
        List<Future<Void>> pings = new ArrayList<>();
        for (io.netty.util.concurrent.EventExecutor loop : ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup()) {
            Promise<Void> ran = Promise.promise();
            loop.execute(ran::tryComplete);
            pings.add(ran.future());
        }
        long timer = vertx.setTimer(LOOP_TIMEOUT_MILLIS, t -> done.tryComplete(Status.KO(
                new JsonObject().put("reason", "an event loop did not run a task within " + LOOP_TIMEOUT_MILLIS + " ms"))));
        Future.all(pings).onComplete(ar -> {
            vertx.cancelTimer(timer);
            done.tryComplete(Status.OK(new JsonObject().put("event_loops", pings.size())));
        });
    }
}
