package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A server that hangs up on clients still uploading (iperf3 at the end of a test does): it
 * reads a little, sends its FIN, then closes with the clients' bytes unread. Every connection
 * must end on both sides. (They once stayed forever: the relay's upstream socket closed while
 * paused after its FIN, and waited for a resume that never came; the agent kept the local
 * sockets, paused, and with dozens of them spun a core.)
 */
class ServerHangsUpOnUploadsTest {
    private static final int CONNECTIONS = 24;
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void everyConnectionEndsWhenTheServerHangsUpMidUpload() throws Exception {
        String host = Loopback.subnet() + ".2";
        List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            threads.add(daemon(() -> {
                while (true) {
                    Socket s = server.accept();
                    threads.add(daemon(() -> hangUpAfterSomeBytes(s)));
                }
            }));
            Proc relay = Proc.start("relay", List.of("relay", "--listen", host + ":7000", "--cluster-host", host,
                    "--allow", "127.0.0.0/8", "--cluster-name", "e2e-" + UUID.randomUUID()));
            relay.await(Event.RELAY_LISTENING, START);
            try (relay; Proc agent = Proc.start("agent", List.of("agent", "--relay", host + ":7000", "--status-listen",
                    "127.0.0.1:0", "--forward", "127.0.0.1:0:127.0.0.1:" + server.getLocalPort()))) {
                int statusPort = agent.await(Event.STATUS_LISTENING, START).getInteger("port");
                int forward = agent.await(Event.LISTENER_BOUND, START).getInteger("port");
                agent.await(Event.NEW_SESSION, START);
                for (int i = 0; i < CONNECTIONS; i++) {
                    threads.add(daemon(() -> uploadUntilRefused(forward)));
                }
                await("every connection ended at the agent").atMost(Duration.ofSeconds(30))
                        .until(() -> openConnections(statusPort) == 0);
                assertEquals(0, openConnections(statusPort));
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    private static void hangUpAfterSomeBytes(Socket s) throws IOException {
        try (s; InputStream in = s.getInputStream()) {
            in.readNBytes(256 * 1024);
            s.shutdownOutput(); // our FIN first, while the client goes on sending
            in.readNBytes(64 * 1024);
        } // then closed with the client's bytes unread
    }

    /** Writes until the tunnel ends the connection, then closes (as iperf3's client does). */
    private static void uploadUntilRefused(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port); OutputStream out = s.getOutputStream()) {
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            // the end the test waits for
        }
    }

    private static int openConnections(int statusPort) throws Exception {
        Proc p = Proc.startText("status", List.of("status", "--agent", "127.0.0.1:" + statusPort, "--json"));
        p.waitForExit(30_000);
        return new JsonObject(p.output()).getJsonArray("connections").size();
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread daemon(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                // a socket closed under it: the end of its part
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
