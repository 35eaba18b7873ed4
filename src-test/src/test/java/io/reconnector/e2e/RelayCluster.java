package io.reconnector.e2e;

import io.reconnector.cli.demo.ChaosProxy;
import io.reconnector.edge.Event;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Three relay processes in one Hazelcast cluster, each on an address of its own (like pods),
 * HAProxy (round robin, no stickiness) in front of them, the project's chaos proxy in front of
 * HAProxy, and an agent that reaches the relays only through both.
 */
final class RelayCluster implements AutoCloseable {
    static final int NODES = 3;
    static final int CLIENT_PORT = 7000;
    static final int PEER_PORT = 7001;
    static final int CLUSTER_PORT = 5701;
    static final Duration START = Duration.ofSeconds(60);

    final Vertx vertx = Vertx.vertx();
    final String subnet = Loopback.subnet();
    final String clusterName = "e2e-cluster-" + UUID.randomUUID();
    final Path secret;
    final Path haproxyConfig;
    final Proc[] relays = new Proc[NODES];
    final List<String> relayArgs;
    /** The PKI over whose TLS agents reach the nodes; null for plaintext. */
    final TestPki pki;
    Proc haproxy;
    ChaosProxy proxy;
    int proxyPort;
    Proc agent;
    long clientId;
    List<Integer> forwardPorts = List.of();
    int socksPort = -1;

    RelayCluster(List<String> relayArgs) throws Exception {
        this(relayArgs, null);
    }

    /** Over TLS with {@code pki}'s relay certificate and client CA when it is not null. */
    RelayCluster(List<String> relayArgs, TestPki pki) throws Exception {
        this.pki = pki;
        this.relayArgs = new ArrayList<>(relayArgs);
        if (pki != null) {
            this.relayArgs.addAll(pki.relayArgs());
        }
        secret = Files.createTempFile("cluster", ".secret");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.write(secret, bytes);
        for (int i = 0; i < NODES; i++) {
            relays[i] = startRelay(i);
        }
        for (int i = 0; i < NODES; i++) {
            relays[i].await(Event.RELAY_LISTENING, START);
        }
        awaitWholeCluster();
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
                  bind %s:%d
                  default_backend nodes
                backend nodes
                  balance roundrobin
                """.formatted(balancerHost(), CLIENT_PORT));
        for (int i = 0; i < NODES; i++) {
            cfg.append("  server ").append(name(i)).append(' ').append(host(i)).append(':').append(CLIENT_PORT)
                    .append(" check inter 300ms fall 1 rise 1\n");
        }
        Files.writeString(haproxyConfig, cfg.toString());
        haproxy = Proc.command("haproxy", List.of("haproxy", "-db", "-f", haproxyConfig.toString()));
        await("HAProxy listens").atMost(Duration.ofSeconds(10)).until(() -> canConnect(balancerHost(), CLIENT_PORT));
    }

    /**
     * Until every node sees all the others. Nodes started together on a busy machine may first form
     * clusters of their own and merge seconds later; a test that starts a session before that
     * would find it unknown on the other side of the split.
     */
    void awaitWholeCluster() {
        for (int i = 0; i < NODES; i++) {
            relays[i].await(Event.CLUSTER_MEMBERS, e -> e.getInteger("members") == NODES, START);
        }
    }

    /** The name a node was given: n1, n2, n3. */
    static String name(int i) {
        return "n" + (i + 1);
    }

    /** Node {@code i}'s own address. */
    String host(int i) {
        return subnet + "." + (i + 2);
    }

    String balancerHost() {
        return subnet + ".1";
    }

    Proc startRelay(int i) throws IOException {
        StringBuilder members = new StringBuilder();
        for (int j = 0; j < NODES; j++) {
            members.append(j > 0 ? "," : "").append(host(j)).append(':').append(CLUSTER_PORT);
        }
        List<String> args = new ArrayList<>(List.of("relay", "--listen", host(i) + ":" + CLIENT_PORT,
                "--node-name", name(i), "--cluster-name", clusterName, "--cluster-host", host(i),
                "--cluster-port", String.valueOf(CLUSTER_PORT), "--cluster-members", members.toString(),
                "--peer-listen", host(i) + ":" + PEER_PORT, "--cluster-secret-file", secret.toString(),
                "--allow", "127.0.0.0/8", "--keepalive", "200ms", "--dead-after", "3s", "--replication-interval", "50ms"));
        args.addAll(relayArgs);
        return Proc.start(name(i), args);
    }

    /** Starts the agent through the chaos proxy and HAProxy; waits for its first session. */
    void startAgent(List<String> agentArgs) throws Exception {
        proxy = new ChaosProxy(vertx, balancerHost(), CLIENT_PORT);
        proxyPort = proxy.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get();
        List<String> args = new ArrayList<>(List.of("agent", "--relay", "127.0.0.1:" + proxyPort,
                "--keepalive", "200ms", "--dead-after", "1s", "--backoff-max", "300ms"));
        if (pki != null) {
            args.addAll(pki.agentArgs("alice"));
        }
        args.addAll(agentArgs);
        AgentProc a = AgentProc.start(args, START);
        agent = a.proc();
        clientId = a.clientId();
        forwardPorts = a.forwardPorts();
        socksPort = a.socksPort();
    }

    /** The node currently home to the agent's session: the last to start it, take it over or receive it. */
    int home() {
        int best = -1;
        OffsetDateTime latest = OffsetDateTime.MIN;
        for (int i = 0; i < NODES; i++) {
            for (JsonObject e : relays[i].events) {
                String ev = e.getString("event");
                boolean becameHome = Event.SESSION_STARTED.key().equals(ev) || Event.SESSION_TAKEN_OVER.key().equals(ev)
                        || Event.SESSION_MOVED_IN.key().equals(ev);
                if (becameHome && e.getLong("client_id") == clientId) {
                    OffsetDateTime at = OffsetDateTime.parse(e.getString("time"));
                    if (at.isAfter(latest)) {
                        best = i;
                        latest = at;
                    }
                }
            }
        }
        return best;
    }

    /** Events {@code e} about the agent's session, on every node. */
    long count(Event e) {
        return count(e, x -> true);
    }

    long count(Event e, Predicate<JsonObject> matching) {
        long n = 0;
        for (Proc r : relays) {
            n += r.count(e, matching);
        }
        return n;
    }

    static boolean canConnect(String host, int port) {
        try (java.net.Socket s = new java.net.Socket(host, port)) {
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
