package io.reconnector.cli.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A destination server for checks: on each connection it sends {@code bytesOut} bytes of the
 * stream seeded {@code seed} (then FIN) while hashing everything it receives until the
 * client's FIN. Counts accepts, so a test can tell that nothing was opened twice.
 */
public final class BulkServer implements AutoCloseable {
    /**
     * One finished (or failed) connection as the server saw it; {@code received} says, for a
     * failed check, how much came and where it first went wrong.
     */
    public record Result(String receivedSha256, long receivedBytes, String sentSha256, long sentBytes,
                         String received, Throwable error) {
    }

    private static final long UNTIL_CLIENT_ENDS = -1;

    private final ServerSocket server;
    private final long seed;
    private final long bytesOut;
    /** The seed of the stream the client sends, when known: what arrives is compared with it. */
    private final Long clientSeed;
    private final AtomicInteger accepts = new AtomicInteger();
    private final List<Result> results = new CopyOnWriteArrayList<>();

    /** Sends {@code bytesOut} bytes on each connection. */
    public BulkServer(long seed, long bytesOut) throws IOException {
        this(seed, bytesOut, null);
    }

    private BulkServer(long seed, long bytesOut, Long clientSeed) throws IOException {
        this.seed = seed;
        this.bytesOut = bytesOut;
        this.clientSeed = clientSeed;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "bulk-server");
        t.setDaemon(true);
        t.start();
    }

    /** Sends on each connection until the client has sent its FIN (an open-ended transfer). */
    public static BulkServer untilClientEnds(long seed) throws IOException {
        return new BulkServer(seed, UNTIL_CLIENT_ENDS, null);
    }

    /**
     * Like {@link #untilClientEnds(long)}, and compares every byte that arrives with the stream
     * of a client seeded {@code clientSeed}.
     */
    public static BulkServer untilClientEnds(long seed, long clientSeed) throws IOException {
        return new BulkServer(seed, UNTIL_CLIENT_ENDS, clientSeed);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepts() {
        return accepts.get();
    }

    public List<Result> results() {
        return results;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepts.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "bulk-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        StreamCheck.Received in = clientSeed == null ? new StreamCheck.Received() : new StreamCheck.Received(clientSeed);
        String[] sent = new String[1];
        AtomicLong sentBytes = new AtomicLong();
        Throwable[] error = new Throwable[1];
        Thread writer = new Thread(() -> {
            try {
                sent[0] = bytesOut == UNTIL_CLIENT_ENDS
                        ? StreamCheck.writeWhile(s.getOutputStream(), seed, () -> in.sha256 == null, sentBytes)
                        : StreamCheck.write(s.getOutputStream(), seed, bytesOut);
                if (bytesOut != UNTIL_CLIENT_ENDS) {
                    sentBytes.set(bytesOut);
                }
                s.shutdownOutput();
            } catch (IOException e) {
                error[0] = e;
            }
        }, "bulk-write");
        writer.setDaemon(true);
        writer.start();
        try {
            StreamCheck.read(s.getInputStream(), in);
        } catch (IOException e) {
            error[0] = e;
        }
        try {
            writer.join();
            s.close();
        } catch (InterruptedException | IOException e) {
            error[0] = e;
        }
        results.add(new Result(in.sha256, in.bytes, sent[0], sentBytes.get(), in.describe(), error[0]));
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
