package io.reconnector.cli;

import io.reconnector.agent.Agent;
import io.reconnector.agent.AgentOptions;
import io.reconnector.agent.AgentTls;
import io.reconnector.cli.pki.PkiFiles;
import io.reconnector.relay.TlsFiles;
import io.reconnector.agent.ForwardSpec;
import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import io.reconnector.cli.demo.ChaosProxy;
import io.reconnector.edge.HostPort;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.relay.AddressRule;
import io.reconnector.relay.RelayNode;
import io.reconnector.relay.RelayOptions;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show it working: an embedded relay, an agent and a test server on loopback; "
                + "data flows through a forward while the agent's link is cut again and again.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--cuts", defaultValue = "6", description = "how many times to cut the link (default ${DEFAULT-VALUE})")
    int cuts;

    @Option(names = "--megabytes", defaultValue = "64", description = "size of each transfer, each way (default ${DEFAULT-VALUE})")
    int megabytes;

    @Option(names = "--tls", description = "run the link over TLS with client certificates (a throwaway PKI)")
    boolean tls;

    private static final Duration DEAD = Duration.ofMillis(1000);

    @Override
    public Integer call() throws Exception {
        Logging.configure(LogFormat.text);
        long size = (long) megabytes << 20;
        try (BulkServer server = new BulkServer(2, size)) {
            RelayOptions relayOptions = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                    List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofMinutes(5),
                    Duration.ofMillis(250), Duration.ofSeconds(2), 1 << 20, "demo");
            AgentTls agentTls = null;
            java.nio.file.Path dir = null;
            if (tls) {
                dir = java.nio.file.Files.createTempDirectory("reconnector-demo-pki");
                PkiFiles.init(dir, List.of("localhost"));
                PkiFiles.issue(dir, "demo", 1);
                relayOptions = relayOptions.withTls(new TlsFiles(PkiFiles.certificate(dir, "relay"), PkiFiles.key(dir, "relay"),
                        PkiFiles.certificate(dir, "ca"), null));
                agentTls = new AgentTls(PkiFiles.certificate(dir, "ca"), PkiFiles.certificate(dir, "demo"),
                        PkiFiles.key(dir, "demo"), "localhost");
                say("TLS with client certificates on " + io.reconnector.edge.Tls.engineName() + " (a throwaway PKI in " + dir + ")");
            }
            RelayNode relay = RelayNode.start(relayOptions).toCompletionStage().toCompletableFuture().join();
            Vertx vertx = io.reconnector.edge.VertxSetup.agentVertx();
            ChaosProxy proxy = new ChaosProxy(vertx, "127.0.0.1", relay.relay().port());
            int proxyPort = proxy.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().join();
            Agent agent = new Agent(new AgentOptions(new HostPort("127.0.0.1", proxyPort), 4242, null, null,
                    List.of(new ForwardSpec("127.0.0.1", 0, Ipv4Address.parse("127.0.0.1"), server.port())),
                    Duration.ofMillis(250), DEAD, 1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(2), agentTls,
                    AgentOptions.DEFAULT_MAX_LOCAL_CONNECTIONS, null));
            String deployment = vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().join();
            int forwardPort = agent.forwardPorts().get(0);
            say("relay on 127.0.0.1:" + relay.relay().port() + "; agent -> chaos proxy :" + proxyPort
                    + " -> relay; forward 127.0.0.1:" + forwardPort + " -> test server :" + server.port());
            int failures = run(server, proxy, forwardPort, size);
            // Undeployed before Vert.x closes: closing Vert.x shuts its sockets before it stops
            // verticles, and the agent must still have its transport to end the session.
            vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().join();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            relay.close().toCompletionStage().toCompletableFuture().join();
            if (dir != null) {
                try (var files = java.nio.file.Files.list(dir)) {
                    for (java.nio.file.Path f : files.toList()) {
                        java.nio.file.Files.delete(f);
                    }
                }
                java.nio.file.Files.delete(dir);
            }
            return failures == 0 ? 0 : 1;
        }
    }

    private int run(BulkServer server, ChaosProxy proxy, int forwardPort, long size) throws Exception {
        List<BulkClient> clients = new ArrayList<>();
        List<String> resumes = new ArrayList<>();
        BulkClient current = new BulkClient(forwardPort, 1, size);
        clients.add(current);
        long started = System.nanoTime();
        for (int cut = 1; cut <= cuts; cut++) {
            Thread.sleep(300); // let data flow between cuts (pacing, not synchronisation)
            if (current.done()) {
                current = new BulkClient(forwardPort, 1, size);
                clients.add(current);
                Thread.sleep(100);
            }
            boolean blackhole = cut % 3 == 0;
            long before = current.received.bytes;
            long cutAt = System.nanoTime();
            if (blackhole) {
                proxy.blackholeAll();
            } else {
                proxy.resetAll();
            }
            // "Again" means through the new transport: bytes already past the proxy may still land.
            int transports = proxy.connectionsAccepted();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (proxy.connectionsAccepted() == transports && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            before = current.received.bytes;
            while (current.received.bytes == before && !current.done() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double ms = (current.received.lastByteNanos - cutAt) / 1e6;
            String line = String.format("cut %d (%s): first byte again after %.0f ms%s", cut,
                    blackhole ? "silent blackhole" : "reset", ms,
                    blackhole ? " (the agent's dead interval is " + DEAD.toMillis() + " ms)" : "");
            resumes.add(line);
            say(line);
        }
        for (BulkClient c : clients) {
            c.join(120_000);
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (server.results().size() < clients.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long up = 0;
        long down = 0;
        int errors = 0;
        int mismatches = 0;
        for (int i = 0; i < clients.size(); i++) {
            BulkClient c = clients.get(i);
            down += c.received.bytes;
            if (c.error != null || !c.done()) {
                errors++;
            }
        }
        for (BulkServer.Result r : server.results()) {
            up += r.receivedBytes();
            if (r.error() != null) {
                errors++;
            }
        }
        List<BulkServer.Result> results = server.results();
        for (int i = 0; i < clients.size(); i++) {
            BulkClient c = clients.get(i);
            boolean downOk = results.size() > i && results.get(i).sentSha256() != null
                    && results.get(i).sentSha256().equals(c.received.sha256);
            boolean upOk = results.stream().anyMatch(r -> c.sentSha256 != null && c.sentSha256.equals(r.receivedSha256()));
            if (!downOk || !upOk) {
                mismatches++;
            }
        }
        say(String.format("moved %d MiB up and %d MiB down in %d transfers in %.1f s", up >> 20, down >> 20,
                clients.size(), seconds));
        say("checksums equal (SHA-256, both directions): " + (mismatches == 0 ? "yes" : "NO, " + mismatches + " differ"));
        say("cuts survived: " + cuts + " of " + cuts + " (" + (cuts - cuts / 3) + " resets, " + cuts / 3 + " blackholes)");
        say("application errors: " + errors + "; upstream connections opened: " + server.accepts()
                + " for " + clients.size() + " transfers");
        return errors + mismatches + (server.accepts() == clients.size() ? 0 : 1);
    }

    private static void say(String line) {
        System.out.println("demo: " + line);
    }
}
