package io.reconnector.relay;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Predicate;

/** A hand-driven protocol client on a blocking socket: sends what the test says, reads frames. */
public final class RawClient implements AutoCloseable {
    public final Socket socket;
    private final InputStream in;
    private final FrameDecoder decoder = new FrameDecoder();
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();

    public RawClient(int port) throws IOException {
        this(InetAddress.getLoopbackAddress().getHostAddress(), port);
    }

    public RawClient(String host, int port) throws IOException {
        this(new Socket(host, port));
    }

    /** From a local address of its own (127.0.0.0/8 has many), to the relay on loopback. */
    public static RawClient from(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new java.net.InetSocketAddress(localAddress, 0));
        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new RawClient(s);
    }

    /** Over a socket the caller made (a TLS one, say). */
    public RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
    }

    public void send(Frame... fs) throws IOException {
        Buffer b = Buffer.buffer();
        for (Frame f : fs) {
            f.writeTo(b);
        }
        sendBytes(b.getBytes());
    }

    public void sendBytes(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next frame that matches, skipping others (keepalives, acks), within the deadline. */
    public <T extends Frame> T next(Class<T> type, Predicate<T> matching, long timeoutMillis) throws IOException, ProtocolException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            while (!frames.isEmpty()) {
                Frame f = frames.poll();
                if (type.isInstance(f) && matching.test(type.cast(f))) {
                    return type.cast(f);
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeoutMillis + " ms");
            }
            socket.setSoTimeout((int) left);
            byte[] buf = new byte[65536];
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                throw new AssertionError("the relay closed the transport while we waited for " + type.getSimpleName());
            }
            decoder.feed(Buffer.buffer(Arrays.copyOf(buf, n)), f -> frames.add(f.kept()));
        }
    }

    public <T extends Frame> T next(Class<T> type) throws IOException, ProtocolException {
        return next(type, f -> true, 5000);
    }

    /** True once the relay has closed this transport (end of stream or reset), within the deadline. */
    public boolean closedByRelay(long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        byte[] buf = new byte[65536];
        while (System.currentTimeMillis() < deadline) {
            socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    /**
     * True once the relay has closed this transport without sending a single byte (within the
     * deadline): what a refused client must see — no frame, no answer, nothing to learn from.
     */
    public boolean closedWithoutAFrame(long timeoutMillis) throws IOException {
        if (!frames.isEmpty() || decoder.buffered() > 0) {
            return false;
        }
        socket.setSoTimeout((int) timeoutMillis);
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
