package io.reconnector.edge;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SocketPipe against a real client socket: half-close both ways, reset, and starting paused. */
class SocketPipeTest {
    private Vertx vertx;
    private final BlockingQueue<SocketPipe> accepted = new ArrayBlockingQueue<>(4);
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(100);
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        NetServer server = vertx.createNetServer().connectHandler(s -> {
            SocketPipe p = new SocketPipe(s);
            p.listen(new SocketPipe.Listener() {
                @Override
                public void onData(Buffer data) {
                    events.add("data:" + data);
                }

                @Override
                public void onEof() {
                    events.add("eof");
                }

                @Override
                public void onClosed(Throwable cause) {
                    events.add("closed");
                }
            });
            accepted.add(p);
        });
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get().actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private SocketPipe accept() throws InterruptedException {
        SocketPipe p = accepted.poll(5, TimeUnit.SECONDS);
        assertTrue(p != null, "accepted");
        return p;
    }

    private void onLoop(Runnable r) {
        vertx.runOnContext(v -> r.run());
    }

    @Test
    void readsNothingUntilResumedThenDataThenEofWhileWritingGoesOn() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SocketPipe p = accept();
            client.getOutputStream().write("hello".getBytes());
            client.shutdownOutput();
            assertEquals(null, events.poll(300, TimeUnit.MILLISECONDS), "paused: nothing reported yet");
            onLoop(p::resume);
            assertEquals("data:hello", events.poll(5, TimeUnit.SECONDS));
            assertEquals("eof", events.poll(5, TimeUnit.SECONDS), "the FIN comes after the data it followed");
            onLoop(() -> {
                p.write(Buffer.buffer("still writing"));
                p.shutdownOutput();
            });
            InputStream in = client.getInputStream();
            assertEquals("still writing", new String(in.readAllBytes()));
        }
    }

    @Test
    void resetIsSeenAsAnErrorNotAnEndOfStream() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SocketPipe p = accept();
            onLoop(() -> {
                p.write(Buffer.buffer("partial"));
                p.reset();
            });
            InputStream in = client.getInputStream();
            client.setSoTimeout(5000);
            assertThrows(IOException.class, () -> {
                byte[] buf = new byte[100];
                while (in.read(buf) >= 0) {
                    // read until the reset
                }
            });
        }
    }
}
