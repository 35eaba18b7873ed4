package io.reconnector.cli.bench;

import io.reconnector.agent.Agent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.HdrHistogram.Histogram;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many clients on one relay: {@code sessions} agents in this process (each its own session on
 * the relay under test, a separate process), each carrying {@code perSession} connections to an
 * echo server. Every connection sends a request of {@link #REQUEST} bytes and waits for its echo,
 * again and again, for {@code seconds}. Prints the bytes echoed per second over all connections,
 * the round trips' p50 and p99, the relay's CPU time per wall second and per core, and that of
 * each of its event loops, busiest first (read from /proc, so Linux only): with sessions spread
 * over N loops, the work shows on N threads, each of which can have a core.
 *
 * <pre>many-sessions RELAY_PORT ECHO_PORT RELAY_PID SESSIONS PER_SESSION SECONDS</pre>
 */
final class ManySessions {
    static final int REQUEST = 16 * 1024;
    /** Clock ticks per second for /proc/PID/stat times (USER_HZ, 100 on every Linux we run on). */
    private static final double TICKS = 100.0;

    private ManySessions() {
    }

    static void run(int relayPort, int echoPort, long relayPid, int sessions, int perSession, int seconds) throws Exception {
        Vertx vertx = io.reconnector.edge.VertxSetup.agentVertx();
        List<Integer> forwards = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Agent agent = new Agent(Allocations.forwardingAgent(relayPort, 100_000 + i, echoPort));
            vertx.deployVerticle(agent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            forwards.add(agent.forwardPorts().get(0));
        }
        NetClient client = vertx.createNetClient();
        List<Connection> connections = new ArrayList<>();
        List<Future<NetSocket>> opening = new ArrayList<>();
        for (int port : forwards) {
            for (int c = 0; c < perSession; c++) {
                opening.add(client.connect(port, "127.0.0.1"));
            }
        }
        for (Future<NetSocket> f : opening) {
            connections.add(new Connection(f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)));
        }
        // Warm-up, as long as the measurement: the relay's JIT and every session's windows settle
        // before the clock starts. A relay's C2 compiler took a third of a core for the first 20 s
        // of this load (then a tenth, then nothing), on the cores the load and the loops share.
        connections.forEach(Connection::start);
        Thread.sleep(seconds * 1000L);
        Histogram rtt = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong bytes = new AtomicLong();
        long[] cpuBefore = cpuTicks(relayPid);
        Map<String, Long> loopsBefore = loopTicks(relayPid);
        long start = System.nanoTime();
        connections.forEach(c -> c.measure(rtt, bytes));
        Thread.sleep(seconds * 1000L);
        long[] cpuAfter = cpuTicks(relayPid);
        Map<String, Long> loopsAfter = loopTicks(relayPid);
        double wall = (System.nanoTime() - start) / 1e9;
        long echoed;
        long p50;
        long p99;
        synchronized (rtt) {
            echoed = bytes.get();
            p50 = rtt.getValueAtPercentile(50);
            p99 = rtt.getValueAtPercentile(99);
        }
        double cpu = ((cpuAfter[0] + cpuAfter[1]) - (cpuBefore[0] + cpuBefore[1])) / TICKS / wall;
        int cores = Runtime.getRuntime().availableProcessors();
        List<Double> loops = new ArrayList<>();
        loopsAfter.forEach((task, ticks) -> loops.add((ticks - loopsBefore.getOrDefault(task, 0L)) / TICKS / wall));
        loops.sort(Comparator.reverseOrder());
        StringBuilder perLoop = new StringBuilder();
        for (int i = 0; i < LOOPS_SHOWN; i++) {
            perLoop.append(String.format(" loop%d_cpu=%.2f", i + 1, i < loops.size() ? loops.get(i) : 0.0));
        }
        System.out.printf("sessions=%d connections=%d mib_per_second=%.1f p50_us=%d p99_us=%d relay_cpu=%.2f relay_cpu_per_core=%.2f%s%n",
                sessions, connections.size(), echoed / wall / (1 << 20), p50, p99, cpu, cpu / cores, perLoop);
        System.exit(0);
    }

    /** How many of the relay's busiest event loops are reported. */
    private static final int LOOPS_SHOWN = 4;
    /** Vert.x's event-loop threads ("vert.x-eventloop-thread-N") as /proc names them: 15 characters. */
    private static final String LOOP_THREAD = "vert.x-eventloo";

    /** utime + stime of each of a process's event-loop threads, by thread id, in clock ticks. */
    private static Map<String, Long> loopTicks(long pid) throws Exception {
        Map<String, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException ended) {
                    continue; // a thread that ended between the listing and the read
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith(LOOP_THREAD)) {
                    long[] t = times(stat);
                    ticks.put(task.getFileName().toString(), t[0] + t[1]);
                }
            }
        }
        return ticks;
    }

    /** utime and stime of a process, in clock ticks. */
    private static long[] cpuTicks(long pid) throws Exception {
        return times(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime and stime from a /proc stat line (a process's or a thread's), in clock ticks. */
    private static long[] times(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // fields 14 and 15 of stat
    }

    /** One connection's request-and-echo loop; it runs on the event loop that opened it. */
    private static final class Connection {
        private static final Buffer PAYLOAD = Buffer.buffer(new byte[REQUEST]);
        private final NetSocket socket;
        private int awaiting;
        private long sentAt;
        /** Set from the measuring thread when the clock starts; read on the socket's event loop. */
        private volatile Histogram rtt;
        private volatile AtomicLong bytes;

        Connection(NetSocket socket) {
            this.socket = socket;
            socket.handler(this::onData);
        }

        /** The first request; the echo handler (on the socket's event loop) sends the rest. */
        synchronized void start() {
            send();
        }

        void measure(Histogram rtt, AtomicLong bytes) {
            this.bytes = bytes;
            this.rtt = rtt;
        }

        private void send() {
            awaiting = REQUEST;
            sentAt = System.nanoTime();
            socket.write(PAYLOAD);
        }

        private synchronized void onData(Buffer b) {
            awaiting -= b.length();
            if (awaiting > 0) {
                return;
            }
            Histogram h = rtt;
            if (h != null) {
                synchronized (h) {
                    h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - sentAt) / 1000));
                }
                bytes.addAndGet(REQUEST);
            }
            send();
        }
    }
}
