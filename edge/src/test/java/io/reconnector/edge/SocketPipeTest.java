package io.reconnector.edge;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * SocketPipe against a real client socket: half-close both ways, reset, and starting paused.
 * On the transport relay and agent run on ({@link VertxSetup}), since that is where sockets
 * close under a paused reader.
 */
@ExtendWith(VertxExtension.class)
class SocketPipeTest {
    private Vertx vertx;
    private final BlockingQueue<SocketPipe> accepted = new ArrayBlockingQueue<>(4);
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(100);
    private int port;

    @BeforeEach
    void start(VertxTestContext ctx) {
        vertx = Vertx.vertx(VertxSetup.options());
        NetServer server = vertx.createNetServer().connectHandler(s -> {
            SocketPipe p = new SocketPipe(s);
            p.listen(new RecordingListener(events));
            accepted.add(p);
        });
        server.listen(0, "127.0.0.1").onComplete(ctx.succeeding(s -> {
            port = s.actualPort();
            ctx.completeNow();
        }));
    }

    @AfterEach
    void stop(VertxTestContext ctx) {
        vertx.close().onComplete(ctx.succeedingThenComplete());
    }

    private SocketPipe accept() throws InterruptedException {
        SocketPipe p = accepted.poll(5, TimeUnit.SECONDS);
        assertNotNull(p, "accepted");
        return p;
    }

    private void onLoop(Runnable r) {
        vertx.runOnContext(v -> r.run());
    }

    private static Channel channel(SocketPipe p) {
        return ((NetSocketInternal) p.socket()).channelHandlerContext().channel();
    }

    @Test
    void readsNothingUntilResumedThenDataThenEofWhileWritingGoesOn() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SocketPipe p = accept();
            client.getOutputStream().write("hello".getBytes());
            client.shutdownOutput();
            assertNull(events.poll(300, TimeUnit.MILLISECONDS), "paused: nothing reported yet");
            onLoop(p::resume);
            assertEquals("data:hello", events.poll(5, TimeUnit.SECONDS));
            assertEquals("eof", events.poll(5, TimeUnit.SECONDS), "the FIN comes after the data it followed");
            onLoop(() -> {
                p.write(Buffer.buffer("still writing"));
                p.shutdownOutput();
            });
            InputStream in = client.getInputStream();
            assertEquals("still writing", new String(in.readAllBytes()), "our bytes, then our FIN");
            assertEquals("closed", events.poll(5, TimeUnit.SECONDS), "both directions done: the socket closes");
        }
    }

    /**
     * Once the peer's FIN is read, nothing more can come: the loop stops watching the socket for
     * reads. Left watched, epoll reports it (readable, at its end) on every wait until Netty drops
     * the interest itself two turns of the loop later: two wasted wake-ups on every connection a
     * peer half-closes first (a relay's destination answering our FIN, an application closing
     * before its answer came). A resume (the far end's window opening) does not watch it again,
     * and writing goes on.
     */
    @Test
    void afterThePeersFinTheSocketIsNoLongerWatchedForReading() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SocketPipe p = accept();
            Channel ch = channel(p);
            onLoop(p::resume);
            client.getOutputStream().write("last".getBytes());
            client.shutdownOutput();
            assertEquals("data:last", events.poll(5, TimeUnit.SECONDS));
            assertEquals("eof", events.poll(5, TimeUnit.SECONDS));
            assertFalse(onLoopGet(() -> ch.config().isAutoRead()), "no longer watched for reads after the FIN");
            onLoop(() -> {
                p.pause();
                p.resume();
            });
            assertFalse(onLoopGet(() -> ch.config().isAutoRead()), "a resume after the FIN does not watch it again");
            onLoop(() -> {
                p.write(Buffer.buffer("the answer"));
                p.shutdownOutput();
            });
            assertEquals("the answer", new String(client.getInputStream().readAllBytes()), "writing went on");
            assertEquals("closed", events.poll(5, TimeUnit.SECONDS));
        }
    }

    private <T> T onLoopGet(java.util.function.Supplier<T> s) throws Exception {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        vertx.runOnContext(v -> f.complete(s.get()));
        return f.get(5, TimeUnit.SECONDS);
    }

    /**
     * Our FIN first, theirs later: the peer reads our bytes and the end of them, and what it
     * sends after that still arrives. (On NIO the FIN is sent on the JDK socket, past Netty's
     * shutdown: Netty must still see the output as shut.)
     */
    @Test
    void ourFinFirstThenThePeerStillSendsAndItsFinClosesTheSocket() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(5000);
            SocketPipe p = accept();
            assertNotNull(NioSockets.jdkChannel(channel(p)), "on NIO the FIN is sent on the JDK socket, past Netty's exception");
            onLoop(() -> {
                p.resume();
                p.write(Buffer.buffer("bye"));
                p.shutdownOutput();
            });
            assertEquals("bye", new String(client.getInputStream().readAllBytes()), "our bytes, then our FIN");
            await().atMost(Duration.ofSeconds(5)).until(() -> ((DuplexChannel) channel(p)).isOutputShutdown());
            assertNull(events.poll(100, TimeUnit.MILLISECONDS), "half-closed: the socket stays open for their bytes");
            client.getOutputStream().write("late".getBytes());
            client.shutdownOutput();
            assertEquals("data:late", events.poll(5, TimeUnit.SECONDS), "their bytes after our FIN");
            assertEquals("eof", events.poll(5, TimeUnit.SECONDS), "their FIN, after their bytes");
            onLoop(p::close); // both directions done: the owner closes (the protocol's rule 7)
            assertEquals("closed", events.poll(5, TimeUnit.SECONDS));
            assertEquals(-1, client.getInputStream().read(), "a clean close: no reset follows");
        }
    }

    /**
     * A pipe that lends its reads hands over the bytes where Netty read them, and takes them
     * back when the listener returns: a listener that kept the buffer finds it released.
     */
    @Test
    void lentReadsAreTheReadBuffersAndReleasedWhenTheListenerReturns(VertxTestContext ctx) throws Exception {
        BlockingQueue<Buffer> lent = new ArrayBlockingQueue<>(100);
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(100);
        BlockingQueue<Boolean> direct = new ArrayBlockingQueue<>(100);
        NetServer lender = vertx.createNetServer().connectHandler(s -> {
            SocketPipe p = new SocketPipe(s).lendReads();
            p.listen(new PipeListener() {
                @Override
                public void onData(Buffer data) {
                    seen.add(data.toString());
                    direct.add(((io.vertx.core.internal.buffer.BufferInternal) data).getByteBuf().isDirect());
                    lent.add(data);
                }

                @Override
                public void onEof() {
                    seen.add("eof");
                }

                @Override
                public void onClosed(Throwable cause) {
                }
            });
            p.resume();
        });
        int lenderPort = lender.listen(0, "127.0.0.1").await().actualPort();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), lenderPort)) {
            client.getOutputStream().write("lent bytes".getBytes());
            client.shutdownOutput();
            StringBuilder got = new StringBuilder();
            for (String s = seen.poll(5, TimeUnit.SECONDS); !"eof".equals(s); s = seen.poll(5, TimeUnit.SECONDS)) {
                assertNotNull(s, "data, then the FIN");
                got.append(s);
            }
            assertEquals("lent bytes", got.toString(), "the listener read every byte during its call");
            assertEquals(true, direct.poll(), "the socket's own read buffer, not a copy on the heap");
            Buffer kept = lent.poll();
            assertNotNull(kept);
            assertThrows(io.netty.util.IllegalReferenceCountException.class, () -> kept.getByte(0),
                    "released once the listener returned");
        }
        ctx.completeNow();
    }

    /**
     * A transport writes what a frame batch is: a composite of many heap parts, small and large,
     * which the socket copies into its own direct buffers part by part. The peer gets every
     * byte, in order.
     */
    @Test
    void aTransportWritesACompositeOfManyHeapPartsByteForByte() throws Exception {
        CompositeByteBuf batch = Unpooled.compositeBuffer(1024);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Random random = new Random(12);
        for (int i = 0; i < 300; i++) {
            byte[] part = new byte[i % 3 == 0 ? 5 : 1024 + random.nextInt(4096)];
            random.nextBytes(part);
            expected.write(part);
            batch.addComponent(true, ((BufferInternal) Buffer.buffer(part)).getByteBuf());
        }
        NetServer transport = vertx.createNetServer().connectHandler(s -> {
            SocketPipe p = new SocketPipe(s).lendReads();
            p.listen(new PipeListener() {
                @Override
                public void onData(Buffer data) {
                }

                @Override
                public void onEof() {
                }

                @Override
                public void onClosed(Throwable cause) {
                }
            });
            p.write(BufferInternal.buffer(batch));
            p.shutdownOutput();
        });
        int transportPort = transport.listen(0, "127.0.0.1").await().actualPort();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), transportPort)) {
            client.setSoTimeout(5000);
            assertArrayEquals(expected.toByteArray(), client.getInputStream().readAllBytes());
        }
    }

    /**
     * A hop: every read of one socket written on to another as it is, without a copy. Megabytes
     * arrive byte for byte: a read buffer released or reused before its write went out would
     * show as corrupted or missing bytes, or a reference-count error.
     */
    @Test
    void lentReadsPassedToAnotherSocketArriveByteForByte() throws Exception {
        BlockingQueue<SocketPipe> sinks = new ArrayBlockingQueue<>(1);
        int sinkPort = vertx.createNetServer().connectHandler(s -> sinks.add(new SocketPipe(s)))
                .listen(0, "127.0.0.1").await().actualPort();
        int sourcePort = vertx.createNetServer().connectHandler(s -> {
            SocketPipe sink = sinks.poll();
            SocketPipe source = new SocketPipe(s).lendReads();
            source.listen(new PipeListener() {
                @Override
                public void onData(Buffer data) {
                    source.passLentReadTo(sink);
                }

                @Override
                public void onEof() {
                    sink.shutdownOutput();
                }

                @Override
                public void onClosed(Throwable cause) {
                }
            });
            source.resume();
        }).listen(0, "127.0.0.1").await().actualPort();
        byte[] sent = new byte[4 << 20];
        new Random(7).nextBytes(sent);
        try (Socket receiver = new Socket(InetAddress.getLoopbackAddress(), sinkPort)) {
            receiver.setSoTimeout(10_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> !sinks.isEmpty());
            try (Socket sender = new Socket(InetAddress.getLoopbackAddress(), sourcePort)) {
                Thread writer = new Thread(() -> {
                    try {
                        sender.getOutputStream().write(sent);
                        sender.shutdownOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                writer.start();
                assertArrayEquals(sent, receiver.getInputStream().readAllBytes());
                writer.join(5000);
            }
        }
    }

    @Test
    void aPeerThatHangsUpWhilePausedHandsOverItsBytesAndFinBeforeTheClose() throws Exception {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        SocketPipe p = accept();
        client.getOutputStream().write("last words".getBytes());
        client.close(); // FIN after its last bytes, and gone: what we write now is answered by a reset
        Channel ch = channel(p);
        await("the socket closed under the paused pipe").atMost(Duration.ofSeconds(5)).until(() -> {
            onLoop(() -> p.write(Buffer.buffer("anyone there?")));
            return !ch.isActive();
        });
        assertNull(events.poll(100, TimeUnit.MILLISECONDS), "paused: nothing reported, not even the close");
        onLoop(p::resume);
        assertEquals("data:last words", events.poll(5, TimeUnit.SECONDS), "what it sent first");
        assertEquals("eof", events.poll(5, TimeUnit.SECONDS), "then its FIN: a complete stream, not an abort");
        assertEquals("closed", events.poll(5, TimeUnit.SECONDS), "then the close");
    }

    /** Closed or reset by its owner: the reset also finds the channel's pipeline already torn down. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aSocketWeCloseWhilePausedAfterThePeerHungUpStillReportsItsClose(boolean reset) throws Exception {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        SocketPipe p = accept();
        client.close();
        Channel ch = channel(p);
        await("the socket closed under the paused pipe").atMost(Duration.ofSeconds(5)).until(() -> {
            onLoop(() -> p.write(Buffer.buffer("anyone there?")));
            return !ch.isActive() && !ch.isRegistered();
        });
        // The owner is done with it (both directions ended) and never resumes it: the close it
        // was waiting to report must come now, or whoever counts open sockets never hears of it.
        onLoop(reset ? p::reset : p::close);
        assertEquals("closed", events.poll(5, TimeUnit.SECONDS));
    }

    /**
     * The peer's FIN was handed over, then its owner paused it (the far end's window filled) and
     * never resumes it (its input is over). When the peer closes, nothing can be queued behind
     * the FIN: the close is reported at once. (It once waited for a resume that never came:
     * after iperf3 -P 64 through the tunnel, the relay kept dozens of upstream connections its
     * sockets had closed, and the agent their local sockets, paused, forever.)
     */
    @Test
    void aCloseAfterTheFinIsReportedEvenWhilePaused() throws Exception {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        SocketPipe p = accept();
        client.shutdownOutput();
        onLoop(p::resume);
        assertEquals("eof", events.poll(5, TimeUnit.SECONDS));
        onLoop(p::pause);
        Channel ch = channel(p);
        client.close();
        await("the socket closed under the paused pipe").atMost(Duration.ofSeconds(5)).until(() -> {
            onLoop(() -> p.write(Buffer.buffer("anyone there?")));
            return !ch.isActive();
        });
        assertEquals("closed", events.poll(5, TimeUnit.SECONDS), "reported without a resume");
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
