package io.reconnector.cli.bench;

import io.reconnector.cli.demo.Firehose;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.TransportBuffers;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;
import io.reconnector.relay.AddressRule;
import io.reconnector.relay.Limits;
import io.reconnector.relay.RelayNode;
import io.reconnector.relay.RelayOptions;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's memory, measured in its own JVM: its live heap (a GC, then the heap in use; the
 * attach API that would read it from outside is not available everywhere) plus the direct
 * memory of the pool it keeps reads in until they are acked ({@link TransportBuffers}). Per idle
 * connection, and under a client that grants the largest windows and then never acks. A minimal protocol
 * client plays the agent, so only the relay's own state grows.
 *
 * <pre>relay-memory IDLE_PORT COUNT    prints idle_memory_per_connection=… noack_memory=… noack_budget=…</pre>
 */
final class RelayMemory {
    private static final int CONNECTIONS_PER_SESSION = 1000;
    private static final int NO_ACK_CONNECTIONS = 20;
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");

    private RelayMemory() {
    }

    static void run(int idlePort, int count) throws Exception {
        RelayOptions options = RelayOptions.singleNode(new HostPort("127.0.0.1", 0),
                List.of(AddressRule.parse("127.0.0.0/8")), List.of(), Duration.ofMinutes(5), Duration.ofSeconds(2),
                Duration.ofMinutes(5), 1 << 20, "bench-memory");
        RelayNode node = RelayNode.start(options).toCompletionStage().toCompletableFuture().get();
        List<Client> clients = new ArrayList<>();
        try {
            int port = node.relay().port();
            long before = held();
            long clientId = 1000;
            for (int opened = 0; opened < count; opened += CONNECTIONS_PER_SESSION) {
                Client c = new Client(port, clientId++);
                clients.add(c);
                c.open(Math.min(CONNECTIONS_PER_SESSION, count - opened), idlePort, 0x10);
            }
            long idle = (held() - before) / count;
            for (Client c : clients) {
                c.close();
            }
            clients.clear();

            long budget = Limits.defaults().sessionBufferBytes();
            long[] silent = noAck(port, clientId++, false);
            long[] reading = noAck(port, clientId, true);
            System.out.printf("idle_memory_per_connection=%d noack_memory=%d noack_pushed=%d noack_reading_memory=%d "
                    + "noack_reading_pushed=%d noack_budget=%d%n", idle, silent[0], silent[1], reading[0], reading[1], budget);
        } finally {
            for (Client c : clients) {
                c.close();
            }
            node.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /**
     * A client grants 16 MiB on each of 20 connections to a destination that writes without
     * pause, then never acks; it reads nothing (the transport's queue fills) or reads and drops
     * everything (the session's unacked bytes grow to its budget).
     *
     * @return the growth of the relay's heap and pool, and what the destinations pushed
     */
    private static long[] noAck(int port, long clientId, boolean reads) throws Exception {
        try (Firehose firehose = new Firehose()) {
            long base = held();
            try (Client c = new Client(port, clientId)) {
                c.open(NO_ACK_CONNECTIONS, firehose.port(), 0xFFFF);
                if (reads) {
                    Firehose.discardEverything(c.in);
                }
                awaitStall(firehose.written);
                return new long[] {held() - base, firehose.written.get()};
            }
        }
    }

    /** Returns once nothing more was taken for two seconds: the relay stopped reading. */
    private static void awaitStall(AtomicLong written) throws InterruptedException {
        long last = -1;
        int still = 0;
        while (still < 20) {
            Thread.sleep(100); // "the relay stopped reading" has no event: watch the counter stand still
            long now = written.get();
            still = now == last ? still + 1 : 0;
            last = now;
        }
    }

    /** Live heap and the pool's direct memory. */
    private static long held() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + TransportBuffers.directMemory();
    }

    /** One session on a blocking socket: opens connections, acks them with a window, then only listens. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final FrameDecoder decoder = new FrameDecoder();
        private final ArrayDeque<Frame> frames = new ArrayDeque<>();
        private final byte[] buf = new byte[65536];

        Client(int port, long clientId) throws IOException, ProtocolException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            out.write(new StartSession(clientId).encode().getBytes());
            next(SessionStarted.class);
        }

        void open(int n, int port, int window) throws IOException, ProtocolException {
            Buffer all = Buffer.buffer();
            for (int i = 0; i < n; i++) {
                new NewConnection(i, i + 1, LOOPBACK, port).writeTo(all);
            }
            out.write(all.getBytes());
            Buffer acks = Buffer.buffer();
            for (int i = 0; i < n; i++) {
                new Ack(next(Connected.class).messageId(), window).writeTo(acks);
            }
            out.write(acks.getBytes());
        }

        private <T extends Frame> T next(Class<T> type) throws IOException, ProtocolException {
            while (true) {
                while (!frames.isEmpty()) {
                    Frame f = frames.poll();
                    if (type.isInstance(f)) {
                        return type.cast(f);
                    }
                }
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("the relay closed the transport");
                }
                decoder.feed(Buffer.buffer().appendBytes(buf, 0, n), f -> frames.add(f.kept()));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
