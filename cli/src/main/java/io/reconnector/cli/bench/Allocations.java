package io.reconnector.cli.bench;

import io.reconnector.agent.Agent;
import io.reconnector.agent.AgentOptions;
import io.reconnector.agent.ForwardSpec;
import io.reconnector.edge.HostPort;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.relay.AddressRule;
import io.reconnector.relay.RelayNode;
import io.reconnector.relay.RelayOptions;
import io.vertx.core.Vertx;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Heap bytes allocated per MiB carried, agent and relay together, in one JVM: the figure the
 * copies on the data path show up in (issue 12 asks for it before and after each change). A
 * plain socket pushes {@code megabytes} through an agent's forward and a relay to a sink that
 * reads and drops; the JVM's per-thread allocation counters are read before and after. The
 * pusher and the sink reuse one array each, so what is counted is the agent's and the relay's.
 *
 * <pre>allocations MEGABYTES    prints allocated_bytes_per_mib=…</pre>
 */
final class Allocations {
    private static final int CHUNK = 64 * 1024;

    private Allocations() {
    }

    static void run(int megabytes) throws Exception {
        long total = (long) megabytes << 20;
        try (ServerSocket sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread reader = new Thread(() -> {
                try (Socket s = sink.accept(); InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[CHUNK];
                    while (in.read(buf) >= 0) {
                        // dropped
                    }
                } catch (Exception e) {
                    // the run ends
                }
            }, "sink");
            reader.start();
            RelayNode relay = RelayNode.start(RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                    List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofMinutes(5), Duration.ofSeconds(2),
                    Duration.ofSeconds(10), 1 << 20, "bench-allocations")).toCompletionStage().toCompletableFuture().get();
            Vertx vertx = io.reconnector.edge.VertxSetup.agentVertx();
            Agent agent = new Agent(forwardingAgent(relay.relay().port(), 77, sink.getLocalPort()));
            vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get();
            try (Socket app = new Socket("127.0.0.1", agent.forwardPorts().get(0)); OutputStream out = app.getOutputStream()) {
                byte[] chunk = new byte[CHUNK];
                Arrays.fill(chunk, (byte) 'x');
                for (long sent = 0; sent < total / 8; sent += CHUNK) {
                    out.write(chunk); // warm-up: the JIT, the pools and the windows settle first
                }
                long before = allocated();
                for (long sent = 0; sent < total; sent += CHUNK) {
                    out.write(chunk);
                }
                long after = allocated();
                System.out.println("allocated_bytes_per_mib=" + (after - before) / megabytes);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get();
            relay.close().toCompletionStage().toCompletableFuture().get();
        }
        System.exit(0);
    }

    /**
     * An in-process agent on a relay at 127.0.0.1:{@code relayPort}, plaintext, with one forward
     * (a port of its choosing) to 127.0.0.1:{@code targetPort}; no status port.
     */
    static AgentOptions forwardingAgent(int relayPort, long clientId, int targetPort) {
        return new AgentOptions(new HostPort("127.0.0.1", relayPort), clientId, null, null,
                List.of(new ForwardSpec("127.0.0.1", 0, Ipv4Address.parse("127.0.0.1"), targetPort)),
                Duration.ofSeconds(2), Duration.ofSeconds(7), 1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(5),
                null, AgentOptions.DEFAULT_MAX_LOCAL_CONNECTIONS, null);
    }

    /** Bytes allocated so far by every live thread of this JVM. */
    private static long allocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, a);
        }
        return sum;
    }
}
