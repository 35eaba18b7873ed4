package io.reconnector.cli.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application side of a check: connects, sends {@code bytesOut} bytes of the stream
 * seeded {@code seed} then FIN, and hashes all it receives until the server's FIN. Any socket
 * error is what a user would call "my connection broke".
 */
public final class BulkClient {
    public final StreamCheck.Received received;
    /** Bytes written so far. */
    public final AtomicLong sent = new AtomicLong();
    public volatile String sentSha256;
    public volatile Throwable error;
    private final Thread reader;
    private final Thread writer;
    private volatile boolean stopped;

    /** Sends {@code bytesOut} bytes. */
    public BulkClient(int port, long seed, long bytesOut) throws IOException {
        this(port, seed, bytesOut, false, new StreamCheck.Received());
    }

    /**
     * Sends until {@link #stop()}, so that a test decides how long a transfer lasts by what it
     * has seen happen, not by a size guessed for this machine's speed. Pair it with a
     * {@link BulkServer#untilClientEnds} server seeded {@code serverSeed}: every byte that
     * arrives is compared with that server's stream.
     */
    public static BulkClient untilStopped(int port, long seed, long serverSeed) throws IOException {
        return new BulkClient(port, seed, -1, true, new StreamCheck.Received(serverSeed));
    }

    private BulkClient(int port, long seed, long bytesOut, boolean openEnded, StreamCheck.Received received)
            throws IOException {
        this.received = received;
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        writer = new Thread(() -> {
            try {
                sentSha256 = openEnded ? StreamCheck.writeWhile(s.getOutputStream(), seed, () -> !stopped, sent)
                        : StreamCheck.write(s.getOutputStream(), seed, bytesOut);
                s.shutdownOutput();
            } catch (IOException e) {
                error = e;
            }
        }, "bulk-client-write");
        reader = new Thread(() -> {
            try {
                StreamCheck.read(s.getInputStream(), received);
            } catch (IOException e) {
                error = e;
            }
        }, "bulk-client-read");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    /** Ends an open-ended transfer: the rest of the current chunk, then FIN. */
    public void stop() {
        stopped = true;
    }

    public boolean done() {
        return !reader.isAlive() && !writer.isAlive();
    }

    public void join(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        writer.join(Math.max(1, deadline - System.currentTimeMillis()));
        reader.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
}
