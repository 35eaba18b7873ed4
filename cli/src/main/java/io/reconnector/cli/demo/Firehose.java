package io.reconnector.cli.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A destination that writes as fast as its connections take bytes, and counts what they took:
 * the other end of a client that grants large windows and never acks. Every connection writes
 * the same shared chunk, so a measurement of heap in this JVM sees none of it.
 */
public final class Firehose implements AutoCloseable {
    private static final byte[] CHUNK = new byte[64 * 1024];
    private final ServerSocket server;
    public final AtomicLong written = new AtomicLong();

    public Firehose() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread w = new Thread(() -> pour(s), "firehose");
                    w.setDaemon(true);
                    w.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "firehose-accept");
        t.setDaemon(true);
        t.start();
    }

    private void pour(Socket s) {
        try (s; OutputStream out = s.getOutputStream()) {
            while (true) {
                out.write(CHUNK);
                written.addAndGet(CHUNK.length);
            }
        } catch (IOException e) {
            // the relay closed it
        }
    }

    /** Reads and drops everything from {@code in} on a thread of its own: a client that reads but never acks. */
    public static void discardEverything(java.io.InputStream in) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try {
                while (in.read(buf) >= 0) {
                    // dropped
                }
            } catch (IOException e) {
                // closed
            }
        }, "discard");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
