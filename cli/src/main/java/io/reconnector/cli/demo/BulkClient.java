package io.reconnector.cli.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * The application side of a check: connects, sends {@code bytesOut} bytes of the stream
 * seeded {@code seed} then FIN, and hashes all it receives until the server's FIN. Any socket
 * error is what a user would call "my connection broke".
 */
public final class BulkClient {
    public final StreamCheck.Received received = new StreamCheck.Received();
    public volatile String sentSha256;
    public volatile Throwable error;
    private final Thread reader;
    private final Thread writer;

    public BulkClient(int port, long seed, long bytesOut) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        writer = new Thread(() -> {
            try {
                sentSha256 = StreamCheck.write(s.getOutputStream(), seed, bytesOut);
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

    public boolean done() {
        return !reader.isAlive() && !writer.isAlive();
    }

    public void join(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        writer.join(Math.max(1, deadline - System.currentTimeMillis()));
        reader.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
}
