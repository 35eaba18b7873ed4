package io.reconnector.cli.demo;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The proxy the demo and the tests cut links with. A reset must reach both ends as a reset:
 * a relay that sees a clean FIN instead takes it for the client's End Session and ends the
 * session, which is not what a dropped network does.
 */
class ChaosProxyTest {
    private static final int PAIRS = 40;
    private Vertx vertx;
    private ServerSocket target;
    private ChaosProxy proxy;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        target = new ServerSocket(0, PAIRS, InetAddress.getLoopbackAddress());
        proxy = new ChaosProxy(vertx, "127.0.0.1", target.getLocalPort());
        port = proxy.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        target.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** How a socket's reading ends: "reset" or "fin". */
    private static String howItEnds(Socket s) throws IOException {
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // nothing is sent through these links
            }
            return "fin";
        } catch (SocketException e) {
            return "reset";
        }
    }

    @Test
    void aResetReachesBothEndsAsAResetNeverAsAFin() throws Exception {
        List<Socket> fronts = new ArrayList<>();
        List<Socket> backs = new ArrayList<>();
        try {
            for (int i = 0; i < PAIRS; i++) {
                fronts.add(new Socket(InetAddress.getLoopbackAddress(), port));
                backs.add(target.accept());
            }
            await().atMost(5, TimeUnit.SECONDS).until(() -> proxy.openConnections() == PAIRS);
            proxy.resetAll();
            List<String> ends = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                ends.add(howItEnds(fronts.get(i)) + "/" + howItEnds(backs.get(i)));
            }
            assertEquals(List.of("reset/reset"), ends.stream().distinct().toList(), "front/back of each pair: " + ends);
        } finally {
            for (Socket s : fronts) {
                s.close();
            }
            for (Socket s : backs) {
                s.close();
            }
        }
    }
}
