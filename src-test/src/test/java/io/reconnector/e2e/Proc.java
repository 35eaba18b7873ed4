package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.awaitility.core.ConditionTimeoutException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * A relay or agent running as its own process (java -jar reconnector.jar) with JSON logs:
 * tests wait for and count {@link Event}s and their fields, never the wording of a line.
 */
final class Proc implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Thread reader;
    private final Path home;
    /** The home is this process's alone (deleted when it is closed). */
    private boolean ownHome;
    /** Every line the process printed, as printed. */
    final List<String> lines = new CopyOnWriteArrayList<>();
    /** The lines that carry an event, parsed. */
    final List<JsonObject> events = new CopyOnWriteArrayList<>();

    private Proc(String name, List<String> command) throws IOException {
        this(name, command, Files.createTempDirectory("reconnector-home-"));
        ownHome = true;
    }

    /**
     * @param home where the process keeps its state and looks for its config file
     *             ({@code XDG_STATE_HOME} and {@code XDG_CONFIG_HOME} point under it): a fresh
     *             directory per process unless a test restarts an agent on purpose, so no test
     *             reads the developer's own {@code ~/.config/reconnector} or shares a client id
     */
    private Proc(String name, List<String> command, Path home) throws IOException {
        this.name = name;
        this.home = home;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_STATE_HOME", home.resolve("state").toString());
        builder.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
        this.process = builder.start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    JsonObject json = parse(line);
                    if (json != null && json.containsKey("event")) {
                        events.add(json);
                    }
                    if (System.getenv("E2E_ECHO") != null) {
                        System.out.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException e) {
                lines.add("(" + name + "'s output could not be read: " + e.getMessage() + ")");
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    private static JsonObject parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return new JsonObject(line);
        } catch (DecodeException e) {
            return null;
        }
    }

    /** Any other program (HAProxy, say), its output kept the same way. */
    static Proc command(String name, List<String> command) throws IOException {
        return new Proc(name, command);
    }

    /** {@code reconnector.jar} with {@code args} (a subcommand first), logging JSON. */
    static Proc start(String name, List<String> args) throws IOException {
        return new Proc(name, javaCommand(List.of(), args, true));
    }

    /** The same with options for the JVM (a hosts file to resolve names from, say). */
    static Proc start(String name, List<String> jvmOptions, List<String> args) throws IOException {
        return new Proc(name, javaCommand(jvmOptions, args, true));
    }

    /** The same, keeping state and config under {@code home} (see the constructor). */
    static Proc startIn(Path home, String name, List<String> args) throws IOException {
        return new Proc(name, javaCommand(List.of(), args, true), home);
    }

    /** The same, logging text, as an operator's terminal shows it. */
    static Proc startText(String name, List<String> args) throws IOException {
        return new Proc(name, javaCommand(List.of(), args, false));
    }

    private static List<String> javaCommand(List<String> jvmOptions, List<String> args, boolean json) {
        List<String> cmd = new ArrayList<>();
        // perl resets SIGINT to its default before exec: a JVM started where SIGINT is ignored
        // (a background job, some CI runners) would otherwise pass that on, and no Ctrl-C could
        // reach the process under test.
        cmd.addAll(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die"));
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(System.getProperty("reconnector.jar", "../cli/target/reconnector.jar"));
        cmd.addAll(args);
        if (json && !args.contains("--log-format")) {
            cmd.addAll(List.of("--log-format", "json"));
        }
        return cmd;
    }

    /** The first event {@code e} (printed at any time) that matches; waits up to {@code timeout}. */
    JsonObject await(Event e, Predicate<JsonObject> matching, Duration timeout) {
        return awaitFrom(0, e, matching, timeout);
    }

    JsonObject await(Event e, Duration timeout) {
        return await(e, x -> true, timeout);
    }

    /** Like {@link #await}, among the events after the first {@code from} (see {@link #mark()}). */
    JsonObject awaitFrom(int from, Event e, Predicate<JsonObject> matching, Duration timeout) {
        JsonObject found;
        try {
            found = Awaitility.await(name + " reports " + e.key()).atMost(timeout).pollInterval(Duration.ofMillis(10))
                    .until(() -> find(from, e, matching), x -> x != null || !process.isAlive());
        } catch (ConditionTimeoutException t) {
            throw new AssertionError(name + " did not report " + e.key() + " within " + timeout + "; its output:\n"
                    + output());
        }
        if (found == null) {
            waitQuietly();
            found = find(from, e, matching); // it may have printed it just before it exited
            if (found == null) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before reporting "
                        + e.key() + "; its output:\n" + output());
            }
        }
        return found;
    }

    private void waitQuietly() {
        try {
            reader.join(5_000);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonObject find(int from, Event e, Predicate<JsonObject> matching) {
        for (int i = from; i < events.size(); i++) {
            JsonObject j = events.get(i);
            if (e.key().equals(j.getString("event")) && matching.test(j)) {
                return j;
            }
        }
        return null;
    }

    /** Where the events printed so far end: pass it to {@link #awaitFrom} to wait for a later one. */
    int mark() {
        return events.size();
    }

    long count(Event e) {
        return count(e, x -> true);
    }

    long count(Event e, Predicate<JsonObject> matching) {
        return events.stream().filter(j -> e.key().equals(j.getString("event")) && matching.test(j)).count();
    }

    List<JsonObject> events(Event e) {
        return events.stream().filter(j -> e.key().equals(j.getString("event"))).toList();
    }

    /** Sends {@code signal} (INT, TERM…) the way an operator would, with kill(1). */
    void signal(String signal) throws InterruptedException, IOException {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).inheritIO().start().waitFor();
    }

    /** The java process (perl exec'd into it, so it is the same process). */
    long pid() {
        return process.pid();
    }

    /** SIGTERM, as Kubernetes sends it, and wait for the process to finish its drain. */
    int terminate(long timeoutMillis) throws InterruptedException, IOException {
        signal("TERM");
        return waitForExit(timeoutMillis);
    }

    /** kill -9: no shutdown hook, no goodbye. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    int waitForExit(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeoutMillis + " ms; its output:\n" + output());
        }
        reader.join(5_000); // every line it printed is in {@link #lines} before we return
        return process.exitValue();
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (ownHome) {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
