package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's port, with a real HTTP client: metrics an operator scrapes, health Kubernetes probes. */
class AdminTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(String host, int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Double> metrics(String host, int port) throws Exception {
        HttpResponse<String> r = get(host, port, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"), r.headers().toString());
        return PrometheusText.parse(r.body());
    }

    private static double value(Map<String, Double> m, String series) {
        Double v = m.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " among " + m.keySet().stream()
                    .filter(k -> k.startsWith("reconnector")).toList());
        }
        return v;
    }

    @Test
    void metricsHealthAndReadinessOfARelayAndItsAgent() throws Exception {
        try (Upstream echo = new Upstream();
             Tunnel t = new Tunnel(List.of("--admin-listen", "127.0.0.1:0",
                     "--drain-grace", "30s"), List.of("--forward", "0:127.0.0.1:" + echo.port(),
                     "--admin-listen", "127.0.0.1:0"))) {
            String admin = "127.0.0.1";
            int adminPort = t.relay.await(Event.ADMIN_LISTENING, WAIT).getInteger("port");
            int agentAdmin = t.agent.await(Event.ADMIN_LISTENING, WAIT).getInteger("port");
            assertEquals(200, get(admin, adminPort, "/healthz").statusCode());
            await("the relay is ready").atMost(WAIT).until(() -> get(admin, adminPort, "/readyz").statusCode() == 200);
            await("the agent is attached").atMost(WAIT).until(() -> get("127.0.0.1", agentAdmin, "/readyz").statusCode() == 200);
            assertEquals(404, get(admin, adminPort, "/nothing").statusCode());

            Map<String, Double> before = metrics(admin, adminPort);
            assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("vertx_")), "Vert.x's own metrics");
            assertTrue(before.keySet().stream().noneMatch(k -> k.startsWith("vertx_net_")),
                    "but not its per-socket ones, which cost a fifth of the connection setup rate");
            assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("jvm_")), "the JVM's");
            assertEquals(1, value(before, "reconnector_sessions{state=\"attached\"}"));
            // Every metric the Grafana dashboard asks for is one the relay serves.
            String dashboard = java.nio.file.Files.readString(Manifests.K8S.resolve("grafana/reconnector-dashboard.json"));
            java.util.regex.Matcher used = java.util.regex.Pattern.compile("reconnector_[a-z_]+").matcher(dashboard);
            while (used.find()) {
                String name = used.group();
                assertTrue(before.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{")),
                        "the dashboard uses " + name + ", which /metrics does not serve");
            }
            double resumes = value(before, "reconnector_resumes_total");

            try (Socket app = new Socket("127.0.0.1", t.forwardPorts.get(0))) {
                app.setSoTimeout(10_000);
                app.getOutputStream().write("ping".getBytes());
                assertEquals("ping", new String(app.getInputStream().readNBytes(4)));
                int accepted = t.proxy.connectionsAccepted();
                t.proxy.resetAll();
                await("the agent resumes").atMost(WAIT).until(() -> t.proxy.connectionsAccepted() > accepted
                        && value(metrics(admin, adminPort), "reconnector_resumes_total") > resumes);
                Map<String, Double> after = metrics(admin, adminPort);
                assertTrue(value(after, "reconnector_resume_duration_seconds_count") >= 1, "the resume was timed");
                assertTrue(value(after, "reconnector_bytes_total{direction=\"up\"}") >= 4, "bytes counted");
                assertEquals(1, value(after, "reconnector_connections"));
                assertTrue(value(metrics("127.0.0.1", agentAdmin), "reconnector_agent_resumes_total") >= 1);

                // SIGTERM with a connection open: not ready at once, while the session is still served.
                t.relay.signal("TERM");
                await("/readyz turns 503").atMost(Duration.ofSeconds(5))
                        .until(() -> get(admin, adminPort, "/readyz").statusCode() == 503);
                app.getOutputStream().write("pong".getBytes());
                String pong;
                try {
                    pong = new String(app.getInputStream().readNBytes(4));
                } catch (java.io.IOException e) {
                    throw new AssertionError("no echo while draining: " + e + "\nrelay:\n" + t.relay.output()
                            + "\nagent:\n" + t.agent.output());
                }
                assertEquals("pong", pong, "the open connection is still served");
                assertEquals(200, get(admin, adminPort, "/healthz").statusCode(), "draining is not dying");
            }
            assertEquals(t.relay.lines.size(), t.relay.events.size(), "every relay log line is a JSON object:\n"
                    + t.relay.output());
            assertEquals(t.agent.lines.size(), t.agent.events.size(), "every agent log line is a JSON object");
        }
    }
}
