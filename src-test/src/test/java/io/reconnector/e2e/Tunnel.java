package io.reconnector.e2e;

import io.reconnector.cli.demo.ChaosProxy;
import io.reconnector.edge.Event;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A relay process on an address of its own, the project's chaos proxy (in this JVM) in front
 * of it, and an agent process that reaches the relay only through the proxy.
 */
final class Tunnel implements AutoCloseable {
    static final String AGENT_DEAD_AFTER = "1s";
    static final int RELAY_PORT = 7000;
    static final Duration START = Duration.ofSeconds(60);

    final Vertx vertx = Vertx.vertx();
    final String host = Loopback.subnet() + ".2";
    final List<String> relayArgs;
    Proc relay;
    final Proc agent;
    final ChaosProxy proxy;
    final int proxyPort;
    final List<Integer> forwardPorts;
    final int socksPort;
    final long clientId;

    /**
     * @param relayArgs extra relay flags
     * @param agentArgs agent flags beyond --relay (forwards, socks)
     */
    Tunnel(List<String> relayArgs, List<String> agentArgs) throws Exception {
        this(null, null, relayArgs, agentArgs);
    }

    /** Over TLS: the relay with {@code pki}'s certificate and client CA, the agent as {@code identity}. */
    Tunnel(TestPki pki, String identity, List<String> relayArgs, List<String> agentArgs) throws Exception {
        this.relayArgs = new ArrayList<>(relayArgs);
        List<String> agentSecurity = List.of();
        if (pki != null) {
            this.relayArgs.addAll(pki.relayArgs());
            agentSecurity = pki.agentArgs(identity);
        }
        relay = startRelay();
        proxy = new ChaosProxy(vertx, host, RELAY_PORT);
        proxyPort = proxy.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get();
        List<String> args = new ArrayList<>(List.of("agent", "--relay", "127.0.0.1:" + proxyPort,
                "--keepalive", "200ms", "--dead-after", AGENT_DEAD_AFTER, "--backoff-max", "500ms"));
        args.addAll(agentSecurity);
        args.addAll(agentArgs);
        AgentProc a = AgentProc.start(args, START);
        agent = a.proc();
        clientId = a.clientId();
        forwardPorts = a.forwardPorts();
        socksPort = a.socksPort();
    }

    /** Starts the relay (again, after a kill) on its address, with the same flags. */
    Proc startRelay() throws Exception {
        List<String> args = new ArrayList<>(List.of("relay", "--listen", host + ":" + RELAY_PORT,
                "--cluster-host", host, "--allow", "127.0.0.0/8", "--keepalive", "200ms", "--dead-after", "3s",
                "--cluster-name", "e2e-" + UUID.randomUUID()));
        args.addAll(relayArgs);
        Proc p = Proc.start("relay", args);
        p.await(Event.RELAY_LISTENING, START);
        return p;
    }

    @Override
    public void close() throws Exception {
        agent.close();
        relay.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
