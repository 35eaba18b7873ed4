package io.reconnector.cli;

import io.reconnector.edge.HostPort;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code reconnector status}: what the agent on this machine is doing, like {@code tailscale
 * status}. Exit 0 when it is connected to its relay, 1 when it is not, 2 when no agent answers.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the local agent's state: relay, identity, connected or since when not and why, round trip, "
                + "resumes, and each open connection. Exit 0 when connected, 1 when not, 2 when no agent answers.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--agent", converter = Converters.HostPortConverter.class, paramLabel = "HOST:PORT",
            description = "the agent's --status-listen (default ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:7091")
    HostPort agent;

    @Option(names = "--json", description = "print the agent's answer as JSON, for scripts")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        String host = agent.host().indexOf(':') >= 0 ? "[" + agent.host() + "]" : agent.host();
        JsonObject s;
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create("http://" + host + ":" + agent.port() + "/status"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            s = new JsonObject(r.body());
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("status: no agent answers on " + agent + " (is it running? an agent "
                    + "started with --status-listen elsewhere needs --agent HOST:PORT here)");
            return 2;
        }
        if (json) {
            out.println(s.encodePrettily());
        } else {
            human(s, out);
        }
        out.flush();
        return "connected".equals(s.getString("state")) ? 0 : 1;
    }

    static void human(JsonObject s, PrintWriter out) {
        String who = s.getString("identity") != null ? " as " + s.getString("identity")
                : Boolean.TRUE.equals(s.getBoolean("tls")) ? "" : " (plaintext)";
        String state = s.getString("state");
        String since = ago(s.getString("since"));
        if ("connected".equals(state)) {
            out.println("connected to relay " + s.getString("relay") + who + ", client id " + s.getLong("client_id")
                    + ", for " + since);
        } else {
            out.println(state + " to relay " + s.getString("relay") + who + ", client id " + s.getLong("client_id")
                    + ", for " + since + (s.containsKey("why") ? " (" + s.getString("why") + ")" : ""));
        }
        String names = switch (s.getString("relay_resolves_names", "unknown")) {
            case "offered" -> "yes";
            case "absent" -> "no (a seed-only relay: names are resolved here)";
            default -> "not known yet";
        };
        out.println("round trip: " + (s.containsKey("rtt_ms") ? s.getDouble("rtt_ms") + " ms" : "not measured yet")
                + "; relay resolves names: " + names);
        var resumes = s.getJsonArray("recent_resumes");
        out.println("resumes: " + s.getLong("resumes") + (resumes.isEmpty() ? "" : " (latest: "
                + resumes.getJsonObject(resumes.size() - 1).getLong("took_ms") + " ms, " + ago(
                resumes.getJsonObject(resumes.size() - 1).getString("at")) + " ago)"));
        var connections = s.getJsonArray("connections");
        out.println("connections: " + connections.size());
        for (int i = 0; i < connections.size(); i++) {
            JsonObject c = connections.getJsonObject(i);
            out.println(String.format("  %-32s %-12s up %9s  down %9s  for %s", c.getString("destination"),
                    c.getString("via"), bytes(c.getLong("bytes_up")), bytes(c.getLong("bytes_down")),
                    ago(c.getString("since"))));
        }
    }

    private static String ago(String instant) {
        long s = Duration.between(Instant.parse(instant), Instant.now()).toSeconds();
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    private static String bytes(long n) {
        return n < 1024 ? n + " B" : n < 1 << 20 ? String.format("%.1f KiB", n / 1024.0)
                : n < 1L << 30 ? String.format("%.1f MiB", n / 1048576.0) : String.format("%.2f GiB", n / 1073741824.0);
    }
}
