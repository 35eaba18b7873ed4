package io.reconnector.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A plain TCP forwarder whose outgoing connections leave from a chosen loopback address: a
 * client "elsewhere" for a test that checks which address a server sees.
 */
final class SourceBoundProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    SourceBoundProxy(String source, String targetHost, int targetPort) throws IOException {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket();
                    out.bind(new InetSocketAddress(source, 0));
                    out.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                    pipe(in, out);
                    pipe(out, in);
                } catch (IOException e) {
                    // closed, or the target refused: the accepted side closes with it
                }
            }
        }, "source-bound-proxy");
        t.setDaemon(true);
        t.start();
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "source-bound-pipe");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
