package io.reconnector.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A destination server for tests: echoes what it gets, counts accepts and closed connections. */
public final class Upstream implements AutoCloseable {
    public final ServerSocket server;
    public final AtomicInteger accepted = new AtomicInteger();
    /** One flag per accepted connection, in accept order: set when that connection has ended. */
    public final List<AtomicBoolean> connectionEnded = new CopyOnWriteArrayList<>();

    public Upstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    AtomicBoolean done = new AtomicBoolean();
                    connectionEnded.add(done);
                    accepted.incrementAndGet();
                    Thread c = new Thread(() -> {
                        echo(s);
                        done.set(true);
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private void echo(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                s.getOutputStream().write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // a reset ends the connection as surely as a FIN
        }
    }

    /** The end flag of the {@code index}-th connection accepted (0-based), once it has been accepted. */
    public AtomicBoolean connection(int index) {
        org.awaitility.Awaitility.await("connection " + index + " is accepted")
                .atMost(java.time.Duration.ofSeconds(10)).until(() -> connectionEnded.size() > index);
        return connectionEnded.get(index);
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
