package io.reconnector.e2e;

import io.reconnector.agent.Agent;
import io.reconnector.agent.AgentOptions;
import io.reconnector.agent.ForwardSpec;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.TransportBuffers;
import io.reconnector.edge.VertxSetup;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.relay.AddressRule;
import io.reconnector.relay.RelayNode;
import io.reconnector.relay.RelayOptions;
import io.reconnector.relay.Upstream;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * An agent and a relay in this JVM keep what applications and destinations send in pooled
 * buffers until the other side acks it. Once both have stopped (and their event loops, with the
 * buffers each keeps cached for reuse, are gone), every buffer they took from the pool is back:
 * after whole echoes, and after a connection its application reset with bytes in flight.
 */
class PooledBuffersTest {
    private static final int ECHOED = 4 << 20;

    @Test
    void everyBufferTheAgentAndTheRelayTookIsBackOnceTheyStop() throws Exception {
        long before = TransportBuffers.buffersInUse();
        try (Upstream destination = new Upstream()) {
            RelayNode relay = RelayNode.start(RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                    List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofMinutes(5), Duration.ofSeconds(2),
                    Duration.ofSeconds(10), 1 << 20, "pooled-buffers")).toCompletionStage().toCompletableFuture().get();
            Vertx agentVertx = VertxSetup.agentVertx();
            Agent agent = new Agent(new AgentOptions(new HostPort("127.0.0.1", relay.relay().port()), 4711, null, null,
                    List.of(new ForwardSpec("127.0.0.1", 0, Ipv4Address.parse("127.0.0.1"), destination.port())),
                    Duration.ofSeconds(2), Duration.ofSeconds(7), 1 << 20, Duration.ofSeconds(1), Duration.ofSeconds(5),
                    null, AgentOptions.DEFAULT_MAX_LOCAL_CONNECTIONS, null));
            agentVertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get();
            int port = agent.forwardPorts().get(0);

            echoWhole(port);
            resetWithBytesInFlight(port);
            echoWhole(port); // the session still works after the reset

            agentVertx.close().toCompletionStage().toCompletableFuture().get(); // stops the agent
            relay.close().toCompletionStage().toCompletableFuture().get();
        }
        await("every pooled buffer is back").atMost(Duration.ofSeconds(10))
                .until(() -> TransportBuffers.buffersInUse() <= before);
    }

    /** Sends {@link #ECHOED} bytes through the forward and reads them all back. */
    private static void echoWhole(int port) throws Exception {
        byte[] sent = new byte[ECHOED];
        new java.util.Random(ECHOED).nextBytes(sent);
        try (Socket app = new Socket(InetAddress.getLoopbackAddress(), port)) {
            Thread writer = new Thread(() -> {
                try {
                    app.getOutputStream().write(sent);
                    app.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            byte[] got = new byte[ECHOED];
            new DataInputStream(app.getInputStream()).readFully(got);
            writer.join(10_000);
            assertArrayEquals(sent, got, "the echo came back whole");
        }
    }

    /** Writes a lot, reads a little, and resets the connection while bytes are on their way both ways. */
    private static void resetWithBytesInFlight(int port) throws Exception {
        try (Socket app = new Socket(InetAddress.getLoopbackAddress(), port)) {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 7);
            for (int i = 0; i < 16; i++) {
                app.getOutputStream().write(chunk);
            }
            new DataInputStream(app.getInputStream()).readFully(new byte[64 * 1024]);
            app.setSoLinger(true, 0); // a reset, not a FIN
        }
    }
}
