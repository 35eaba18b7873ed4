package io.reconnector.e2e;

import io.reconnector.cli.demo.ChaosProxy;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A relay process, the project's chaos proxy (in this JVM) in front of it, and an agent
 * process that reaches the relay only through the proxy.
 */
final class Tunnel implements AutoCloseable {
    static final String AGENT_DEAD_AFTER = "1s";

    final Vertx vertx = Vertx.vertx();
    Proc relay;
    final Proc agent;
    final ChaosProxy proxy;
    final int relayPort;
    final int proxyPort;
    final List<Integer> forwardPorts = new ArrayList<>();
    int socksPort = -1;

    /**
     * @param relayArgs extra relay flags
     * @param agentArgs agent flags beyond --relay (forwards, socks)
     */
    Tunnel(List<String> relayArgs, List<String> agentArgs) throws Exception {
        this(Wait.freePort(), relayArgs, agentArgs);
    }

    Tunnel(int relayPort, List<String> relayArgs, List<String> agentArgs) throws Exception {
        this.relayPort = relayPort;
        relay = startRelay(relayPort, relayArgs);
        proxy = new ChaosProxy(vertx, "127.0.0.1", relayPort);
        proxyPort = proxy.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get();
        List<String> args = new ArrayList<>(List.of("agent", "--relay", "127.0.0.1:" + proxyPort,
                "--keepalive", "200ms", "--dead-after", AGENT_DEAD_AFTER, "--backoff-max", "500ms"));
        args.addAll(agentArgs);
        agent = Proc.start("agent", args.toArray(String[]::new));
        agent.await("agent ready", 30_000);
        for (String line : agent.lines) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("forward [0-9.]+:(\\d+) ->").matcher(line);
            if (m.find()) {
                forwardPorts.add(Integer.parseInt(m.group(1)));
            }
            m = java.util.regex.Pattern.compile("SOCKS5 on [0-9.]+:(\\d+)").matcher(line);
            if (m.find()) {
                socksPort = Integer.parseInt(m.group(1));
            }
        }
        agent.await("connected: new session", 30_000);
    }

    static Proc startRelay(int port, List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("relay", "--listen", "127.0.0.1:" + port, "--allow", "127.0.0.0/8",
                "--keepalive", "200ms", "--dead-after", "3s", "--cluster-name", "e2e-" + UUID.randomUUID()));
        args.addAll(extra);
        Proc p = Proc.start("relay", args.toArray(String[]::new));
        p.await("relay listening on", 60_000);
        return p;
    }

    @Override
    public void close() throws Exception {
        agent.close();
        relay.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
