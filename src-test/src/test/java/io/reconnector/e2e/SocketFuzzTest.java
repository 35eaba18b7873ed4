package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkClient;
import io.reconnector.cli.demo.BulkServer;
import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of mutated and garbage client streams against a relay process, from many source
 * addresses at once, while an agent moves data through the same relay: the agent's transfer
 * stays byte-exact, the relay stays up and logs no error. {@code -Dfuzz.streams=N} sets how
 * many streams ({@code bench/fuzz} runs a long one); the seed is printed to reproduce a failure.
 */
class SocketFuzzTest {
    private static final int STREAMS = Integer.getInteger("fuzz.streams", 2000);
    private static final int SENDERS = 8;
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    @Test
    void mutatedStreamsNeverDisturbAnotherClientsTransfer() throws Exception {
        System.out.println("socket fuzz: " + STREAMS + " streams, -Dfuzz.seed=" + SEED);
        try (BulkServer server = BulkServer.untilClientEnds(31, 32); Upstream echo = new Upstream();
             Tunnel t = new Tunnel(List.of("--session-ttl", "20s"), List.of("--forward", "0:127.0.0.1:" + server.port()))) {
            BulkClient app = BulkClient.untilStopped(t.forwardPorts.get(0), 32, 31);
            String subnet = t.host.substring(0, t.host.lastIndexOf('.'));
            AtomicLong sent = new AtomicLong();
            AtomicLong answered = new AtomicLong();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                long seed = SEED + s;
                int first = s;
                senders.add(pool.submit(() -> {
                    MutatedStreams streams = new MutatedStreams(seed, echo.port(), id -> id == t.clientId);
                    Random random = new Random(seed);
                    for (int i = first; i < STREAMS; i += SENDERS) {
                        String source = subnet + "." + (10 + random.nextInt(200));
                        if (send(t.host, source, streams.next(), random)) {
                            answered.incrementAndGet();
                        }
                        sent.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : senders) {
                f.get(30, TimeUnit.MINUTES);
            }
            pool.shutdown();
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("socket fuzz: %d streams in %d ms (%d answered with frames)%n", sent.get(), millis,
                    answered.get());

            long seen = app.received.bytes;
            await("the transfer still flows").atMost(Duration.ofSeconds(30)).until(() -> app.received.bytes > seen + (1 << 20));
            app.stop();
            app.join(120_000);
            await("the server has finished its side").atMost(Duration.ofMinutes(1))
                    .until(() -> server.results().stream().anyMatch(r -> r.receivedSha256() != null));
            BulkServer.Result up = server.results().stream().filter(r -> r.receivedBytes() == app.sent.get())
                    .findFirst().orElseThrow(() -> new AssertionError("no server side got " + app.sent.get() + " bytes"));
            assertEquals(STREAMS, sent.get());
            assertNull(app.error, "the application never saw a socket error");
            assertEquals(up.sentSha256(), app.received.sha256, "download: SHA-256 equal on both ends (the server sent "
                    + up.sentBytes() + " bytes, the application got " + app.received.describe() + ")");
            assertEquals(app.sentSha256, up.receivedSha256(), "upload: SHA-256 equal on both ends (the application sent "
                    + app.sent.get() + " bytes, the server got " + up.received() + ")");
            assertEquals(0, t.agent.count(Event.REJECTED), t.agent.output());
            assertTrue(t.relay.alive(), "the relay is up");
            assertTrue(t.relay.events.stream().noneMatch(e -> "ERROR".equals(e.getString("level"))),
                    "the relay logged no error:\n" + t.relay.output());
        }
    }

    /** One transport: the stream in random pieces, then FIN or RST; true when the relay answered with bytes. */
    private static boolean send(String host, String source, Buffer stream, Random random) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(host, Tunnel.RELAY_PORT), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            byte[] bytes = stream.getBytes();
            for (int pos = 0; pos < bytes.length; ) {
                int n = Math.min(bytes.length - pos, 1 + random.nextInt(random.nextBoolean() ? 16 : 8192));
                out.write(bytes, pos, n);
                pos += n;
            }
            if (random.nextInt(4) == 0) {
                s.setSoLinger(true, 0); // a reset instead of a goodbye
                return false;
            }
            // The relay's first answer (or its close), then a goodbye, then whatever else it says.
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16384];
            boolean answered = in.read(buf) > 0;
            s.shutdownOutput();
            while (in.read(buf) >= 0) {
                answered = true;
            }
            return answered;
        } catch (IOException e) {
            return false; // reset or refused by a limit: the relay's right with a stream like that
        }
    }
}
