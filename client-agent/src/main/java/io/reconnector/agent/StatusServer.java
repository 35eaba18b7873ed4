package io.reconnector.agent;

import io.reconnector.edge.Event;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Comparator;

/**
 * {@code GET /status} on loopback: the agent's state as JSON for {@code reconnector status}. Made
 * on the agent's event loop, so it reads the agent's state without locks. Loopback only (checked
 * at the flag): it names every destination the laptop's applications reach.
 */
final class StatusServer {
    private final Agent agent;
    private final String identity;

    StatusServer(Agent agent) {
        this.agent = agent;
        AgentTls tls = agent.options().tls();
        this.identity = tls == null ? null : tls.cert() == null ? "(no client certificate)" : commonName(tls);
    }

    /** Listens; a default address already taken (another agent) costs only the status, said once. */
    Future<Integer> listen(AgentOptions.StatusListen where) {
        HttpServer server = agent.vertx().createHttpServer().requestHandler(req -> {
            if (req.method() == HttpMethod.GET && req.path().equals("/status")) {
                req.response().putHeader("content-type", "application/json").end(status().encodePrettily());
            } else {
                req.response().setStatusCode(404).end("GET /status\n");
            }
        });
        return server.listen(where.at().port(), where.at().host()).map(HttpServer::actualPort)
                .onSuccess(port -> agent.log().info(Event.STATUS_LISTENING, "status on " + where.at().host() + ":" + port
                        + " (reconnector status)", "port", port))
                .recover(t -> {
                    String why = "status not served on " + where.at() + ": " + io.reconnector.edge.Failures.human(t);
                    if (where.givenOnPurpose()) {
                        return Future.failedFuture("cannot listen on " + where.at() + " for --status-listen: "
                                + io.reconnector.edge.Failures.human(t));
                    }
                    agent.log().warn(Event.STATUS_LISTENING, why + " (another agent there? give --status-listen "
                            + "127.0.0.1:PORT, or off)", "port", -1);
                    return Future.succeededFuture(-1);
                });
    }

    JsonObject status() {
        JsonArray connections = new JsonArray();
        agent.connections().stream().sorted(Comparator.comparing(l -> l.openedAt)).forEach(l -> connections.add(
                new JsonObject().put("destination", l.destination).put("via", l.via).put("since", l.openedAt.toString())
                        .put("bytes_up", l.bytesUp).put("bytes_down", l.bytesDown)));
        return new JsonObject().put("relay", agent.options().relay().toString())
                .put("identity", identity).put("tls", agent.options().tls() != null)
                .put("client_id", agent.engine().clientId())
                .put("relay_resolves_names", agent.engine().extensions().name().toLowerCase())
                .mergeIn(agent.status().toJson())
                .put("connections", connections);
    }

    private static String commonName(AgentTls tls) {
        try (InputStream in = Files.newInputStream(tls.cert())) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            String dn = cert.getSubjectX500Principal().getName();
            for (String part : dn.split(",")) {
                if (part.startsWith("CN=")) {
                    return part.substring(3);
                }
            }
            return dn;
        } catch (Exception e) {
            return "(unreadable certificate: " + e.getMessage() + ")";
        }
    }
}
