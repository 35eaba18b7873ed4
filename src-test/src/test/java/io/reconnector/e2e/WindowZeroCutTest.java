package io.reconnector.e2e;

import io.reconnector.cli.demo.BulkServer;
import io.reconnector.cli.demo.StreamCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The seed's corner case through real sockets: the application behind one side stops
 * reading until every window on the way is closed, the link breaks, then reading resumes.
 * Every byte must arrive; no sender may stay stuck waiting for a lost window update.
 */
class WindowZeroCutTest {
    /** More than every buffer on the way can hold (loopback receive buffers autotune up to 32 MiB here). */
    private static final long SIZE = 192L << 20;
    private static final List<String> SMALL_WINDOWS = List.of("--window", "64k");

    /** Writes the seeded stream, counting progress, then FIN. */
    private static Thread writer(Socket s, long seed, AtomicLong written, String[] sha, Throwable[] error) {
        Thread t = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                java.security.MessageDigest d = StreamCheck.sha256();
                SplittableRandom rnd = new SplittableRandom(seed);
                byte[] buf = new byte[16 * 1024];
                while (written.get() < SIZE) {
                    rnd.nextBytes(buf);
                    out.write(buf);
                    d.update(buf);
                    written.addAndGet(buf.length);
                }
                s.shutdownOutput();
                sha[0] = HexFormat.of().formatHex(d.digest());
            } catch (IOException e) {
                error[0] = e;
            }
        }, "writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void uploadStalledByASlowServerSurvivesAReset() throws Exception {
        CountDownLatch startReading = new CountDownLatch(1);
        StreamCheck.Received atServer = new StreamCheck.Received();
        Throwable[] serverError = new Throwable[1];
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(128 * 1024); // a slow server with a modest socket buffer
            server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread sink = new Thread(() -> {
                try (Socket s = server.accept()) {
                    startReading.await();
                    StreamCheck.read(s.getInputStream(), atServer);
                } catch (Exception e) {
                    serverError[0] = e;
                }
            });
            sink.setDaemon(true);
            sink.start();
            try (Tunnel t = new Tunnel(SMALL_WINDOWS, List.of("--window", "64k", "--forward", "0:127.0.0.1:" + server.getLocalPort()));
                 Socket app = new Socket(InetAddress.getLoopbackAddress(), t.forwardPorts.get(0))) {
                AtomicLong written = new AtomicLong();
                String[] sha = new String[1];
                Throwable[] appError = new Throwable[1];
                Thread w = writer(app, 5, written, sha, appError);
                Wait.untilStalled("the application's writes block: every window is closed", Duration.ofSeconds(1),
                        Duration.ofMinutes(1), written::get);
                assertEquals(true, written.get() < SIZE, "the writer is stuck part way");

                int transports = t.proxy.connectionsAccepted();
                t.proxy.resetAll();
                await("the agent is back").atMost(Duration.ofSeconds(20)).until(() -> t.proxy.connectionsAccepted() > transports);
                startReading.countDown();
                w.join(120_000);
                sink.join(120_000);
                assertNull(appError[0]);
                assertNull(serverError[0]);
                assertEquals(SIZE, atServer.bytes);
                assertEquals(sha[0], atServer.sha256);
            }
        }
    }

    @Test
    void downloadStalledByASlowApplicationSurvivesABlackhole() throws Exception {
        try (BulkServer server = new BulkServer(9, SIZE);
             Tunnel t = new Tunnel(SMALL_WINDOWS, List.of("--window", "64k", "--forward", "0:127.0.0.1:" + server.port()));
             Socket app = new Socket(InetAddress.getLoopbackAddress(), t.forwardPorts.get(0))) {
            app.shutdownOutput(); // this application only downloads
            await("the server has started sending").atMost(Duration.ofSeconds(20)).until(() -> server.accepts() == 1);
            // The application reads nothing yet: the server's writes must come to a stop.
            Wait.untilStalled("the application's socket fills up: every window on the way is closed", Duration.ofSeconds(1),
                    Duration.ofMinutes(1),
                    () -> tcpBacklog(app));
            int transports = t.proxy.connectionsAccepted();
            t.proxy.blackholeAll();
            await("the agent notices the silence and reconnects").atMost(Duration.ofSeconds(20))
                    .until(() -> t.proxy.connectionsAccepted() > transports);
            StreamCheck.Received got = new StreamCheck.Received();
            InputStream in = app.getInputStream();
            StreamCheck.read(in, got);
            await("the server has finished").atMost(Duration.ofSeconds(30)).until(() -> server.results().size() == 1);
            assertNull(server.results().get(0).error());
            assertEquals(SIZE, got.bytes);
            assertEquals(server.results().get(0).sentSha256(), got.sha256);
        }
    }

    /** Bytes waiting unread in the application's socket: grows until the flow stops. */
    private static long tcpBacklog(Socket s) {
        try {
            return s.getInputStream().available();
        } catch (IOException e) {
            return -1;
        }
    }
}
