package io.reconnector.cli.bench;

import io.reconnector.cli.demo.ChaosProxy;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The measuring end of {@code bench/run}: small load tools that talk plain TCP to whatever
 * path is under test (direct, socat, ssh -L, the reconnector), so every path is measured by
 * the same code. Each prints one line of {@code key=value} results.
 *
 * <pre>
 * echo-server PORT                  echo every byte back (latency, connection rate, idle targets)
 * latency PORT COUNT                1-byte round trips on one connection: p50/p99/p99.9 in µs
 * connect-rate PORT SECONDS         connect, 1-byte echo, close, as fast as possible: per second (and how many, warm-up included)
 * socks-connect-rate SOCKSPORT HOST PORT SECONDS   the same through a SOCKS5 proxy
 * idle PORT COUNT                   open COUNT connections, print "open", hold until stdin closes
 * proxy LISTENPORT HOST:PORT        a TCP proxy; stdin lines "target HOST:PORT" / "reset" steer it
 * relay-memory IDLE_PORT COUNT      an in-process relay's live heap per idle connection and under a no-ack client
 * allocations MEGABYTES            heap bytes agent and relay allocate per MiB carried (in-process)
 * many-sessions RELAY_PORT ECHO_PORT RELAY_PID SESSIONS PER_SESSION SECONDS
 *                                   many agents in this process on one relay: throughput, p99, relay CPU
 * </pre>
 */
public final class BenchTool {
    private static final long CLIENT_WARM_UP_NANOS = 1_000_000_000L;

    private BenchTool() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "echo-server" -> echoServer(Integer.parseInt(args[1]));
            case "latency" -> latency(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "connect-rate" -> connectRate(Integer.parseInt(args[1]), Double.parseDouble(args[2]), null, null, 0);
            case "socks-connect-rate" -> connectRate(Integer.parseInt(args[1]), Double.parseDouble(args[4]), "socks",
                    args[2], Integer.parseInt(args[3]));
            case "idle" -> idle(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "proxy" -> proxy(Integer.parseInt(args[1]), args[2]);
            case "relay-memory" -> RelayMemory.run(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "allocations" -> Allocations.run(Integer.parseInt(args[1]));
            case "many-sessions" -> ManySessions.run(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Long.parseLong(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            default -> throw new IllegalArgumentException("unknown tool " + args[0]);
        }
    }

    private static void echoServer(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        System.out.println("listening=" + server.getLocalPort());
        while (true) {
            Socket s = server.accept();
            Thread t = new Thread(null, () -> {
                try (s) {
                    s.setTcpNoDelay(true);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[16 * 1024];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                    }
                } catch (IOException ignored) {
                    // the client went away
                }
            }, "echo", 64 * 1024); // small stacks: the memory scenario holds 10,000 of these
            t.setDaemon(true);
            t.start();
        }
    }

    private static void latency(int port, int count) throws IOException {
        Histogram h = new Histogram(3_600_000_000L, 3);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int warmup = Math.min(2000, count / 5);
            for (int i = 0; i < warmup + count; i++) {
                long t0 = System.nanoTime();
                out.write(i & 0x7f);
                if (in.read() < 0) {
                    throw new IOException("closed");
                }
                long us = (System.nanoTime() - t0) / 1000;
                if (i >= warmup) {
                    h.recordValue(Math.max(1, us));
                }
            }
        }
        System.out.printf("p50_us=%d p99_us=%d p999_us=%d%n", h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9));
    }

    private static void connectRate(int port, double seconds, String socks, String host, int targetPort) throws IOException {
        // This client's own first second runs interpreted: it is not what is being measured.
        long warm = System.nanoTime() + CLIENT_WARM_UP_NANOS;
        long warming = 0;
        while (System.nanoTime() < warm) {
            connectOnce(port, socks, host, targetPort);
            warming++;
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long done = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            connectOnce(port, socks, host, targetPort);
            done++;
        }
        // All of them, the warm-up's too: what the processes on the path spent CPU on.
        System.out.printf("per_second=%.0f connections=%d%n", done / ((System.nanoTime() - start) / 1e9), warming + done);
    }

    /** Connect, (SOCKS5 handshake,) one byte there and back, close. */
    private static void connectOnce(int port, String socks, String host, int targetPort) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (socks != null) {
                // Greeting and request in one write, as a pipelining client sends them; the two
                // replies (method 2 bytes, request 10 with an IPv4 bound address) read in bulk.
                byte[] h = host.getBytes(StandardCharsets.US_ASCII);
                ByteBuffer hello = ByteBuffer.allocate(3 + 7 + h.length);
                hello.put(new byte[] {5, 1, 0}).put(new byte[] {5, 1, 0, 3, (byte) h.length}).put(h)
                        .putShort((short) targetPort);
                out.write(hello.array());
                if (in.readNBytes(2 + 10).length < 2 + 10) {
                    throw new IOException("SOCKS handshake cut short");
                }
            }
            out.write(1);
            if (in.read() < 0) {
                throw new IOException("closed before the echo");
            }
        }
    }

    private static void idle(int port, int count) throws IOException {
        List<SocketChannel> open = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            c.write(ByteBuffer.wrap(new byte[] {1}));
            open.add(c);
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        for (SocketChannel c : open) { // every connection is through: its echo came back
            one.clear();
            if (c.read(one) < 0) {
                throw new IOException("a connection closed");
            }
        }
        System.out.println("open=" + open.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold until told to stop
        }
        for (SocketChannel c : open) {
            c.close();
        }
    }

    private static void proxy(int listenPort, String target) throws Exception {
        String[] t = target.split(":");
        Vertx vertx = Vertx.vertx();
        ChaosProxy p = new ChaosProxy(vertx, t[0], Integer.parseInt(t[1]));
        int port = p.listen("127.0.0.1", listenPort).toCompletionStage().toCompletableFuture().get();
        System.out.println("listening=" + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("target ")) {
                String[] hp = line.substring(7).trim().split(":");
                p.retarget(hp[0], Integer.parseInt(hp[1]));
            } else if (line.equals("reset")) {
                p.resetAll();
            } else if (line.equals("blackhole")) {
                p.blackholeAll();
            }
            System.out.println("ok " + line);
            System.out.flush();
        }
        vertx.close();
    }
}
