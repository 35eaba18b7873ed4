package io.reconnector.e2e;

import io.reconnector.cli.demo.ChaosProxy;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three relay processes in one Hazelcast cluster, HAProxy (round robin, no stickiness) in
 * front of them, the project's chaos proxy in front of HAProxy, and an agent that reaches the
 * relays only through both.
 */
final class RelayCluster implements AutoCloseable {
    static final int NODES = 3;

    final Vertx vertx = Vertx.vertx();
    final String clusterName = "e2e-cluster-" + UUID.randomUUID();
    final Path secret;
    final Path haproxyConfig;
    final int[] clientPorts = new int[NODES];
    final int[] clusterPorts = new int[NODES];
    final Proc[] relays = new Proc[NODES];
    final List<String> relayArgs;
    Proc haproxy;
    final int balancerPort;
    ChaosProxy proxy;
    int proxyPort;
    Proc agent;
    final List<Integer> forwardPorts = new ArrayList<>();
    int socksPort = -1;

    RelayCluster(List<String> relayArgs) throws Exception {
        this.relayArgs = relayArgs;
        secret = Files.createTempFile("cluster", ".secret");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.write(secret, bytes);
        for (int i = 0; i < NODES; i++) {
            clientPorts[i] = Wait.freePort();
            clusterPorts[i] = Wait.freePort();
        }
        for (int i = 0; i < NODES; i++) {
            relays[i] = startRelay(i);
        }
        for (int i = 0; i < NODES; i++) {
            relays[i].await("relay listening on", 60_000);
        }
        balancerPort = Wait.freePort();
        haproxyConfig = Files.createTempFile("haproxy", ".cfg");
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 4096
                defaults
                  mode tcp
                  retries 3
                  option redispatch
                  timeout connect 2s
                  timeout client 1h
                  timeout server 1h
                frontend relays
                  bind 127.0.0.1:%d
                  default_backend nodes
                backend nodes
                  balance roundrobin
                """.formatted(balancerPort));
        for (int i = 0; i < NODES; i++) {
            cfg.append("  server n").append(i + 1).append(" 127.0.0.1:").append(clientPorts[i])
                    .append(" check inter 300ms fall 1 rise 1\n");
        }
        Files.writeString(haproxyConfig, cfg.toString());
        haproxy = Proc.command("haproxy", List.of("haproxy", "-db", "-f", haproxyConfig.toString()));
        Wait.until("HAProxy listens", 10_000, () -> canConnect(balancerPort));
    }

    /** The name a node was given: n1, n2, n3. */
    static String name(int i) {
        return "n" + (i + 1);
    }

    Proc startRelay(int i) throws IOException {
        StringBuilder members = new StringBuilder();
        for (int j = 0; j < NODES; j++) {
            if (j > 0) {
                members.append(',');
            }
            members.append("127.0.0.1:").append(clusterPorts[j]);
        }
        List<String> args = new ArrayList<>(List.of("relay", "--listen", "127.0.0.1:" + clientPorts[i],
                "--node-name", name(i), "--cluster-name", clusterName, "--cluster-port", String.valueOf(clusterPorts[i]),
                "--cluster-members", members.toString(), "--cluster-secret-file", secret.toString(),
                "--allow", "127.0.0.0/8", "--keepalive", "200ms", "--dead-after", "3s", "--replication-interval", "50ms"));
        args.addAll(relayArgs);
        return Proc.start(name(i), args.toArray(String[]::new));
    }

    /** Starts the agent through the chaos proxy and HAProxy; waits for its first session. */
    void startAgent(List<String> agentArgs) throws Exception {
        proxy = new ChaosProxy(vertx, "127.0.0.1", balancerPort);
        proxyPort = proxy.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get();
        List<String> args = new ArrayList<>(List.of("agent", "--relay", "127.0.0.1:" + proxyPort,
                "--keepalive", "200ms", "--dead-after", "1s", "--backoff-max", "300ms"));
        args.addAll(agentArgs);
        agent = Proc.start("agent", args.toArray(String[]::new));
        agent.await("agent ready", 30_000);
        for (String line : agent.lines) {
            Matcher m = Pattern.compile("forward [0-9.]+:(\\d+) ->").matcher(line);
            if (m.find()) {
                forwardPorts.add(Integer.parseInt(m.group(1)));
            }
            m = Pattern.compile("SOCKS5 on [0-9.]+:(\\d+)").matcher(line);
            if (m.find()) {
                socksPort = Integer.parseInt(m.group(1));
            }
        }
        agent.await("connected: new session", 30_000);
    }

    /** The node currently home to the agent's session: the last to start it, take it over or receive it. */
    int home() {
        int best = -1;
        String bestLine = "";
        for (int i = 0; i < NODES; i++) {
            for (String line : relays[i].lines) {
                if ((line.contains(": started") || line.contains(": took over") || line.contains("moved here"))
                        && line.compareTo(bestLine) > 0) {
                    best = i;
                    bestLine = line;
                }
            }
        }
        return best;
    }

    long count(String regex) {
        long n = 0;
        for (Proc r : relays) {
            n += r.count(regex);
        }
        return n;
    }

    static boolean canConnect(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String outputs() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < NODES; i++) {
            b.append("---- ").append(name(i)).append('\n').append(relays[i].output()).append('\n');
        }
        if (agent != null) {
            b.append("---- agent\n").append(agent.output());
        }
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        if (agent != null) {
            agent.close();
        }
        for (Proc r : relays) {
            if (r != null) {
                r.kill9();
            }
        }
        if (haproxy != null) {
            haproxy.kill9();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get();
        Files.deleteIfExists(secret);
        Files.deleteIfExists(haproxyConfig);
    }
}
