package io.reconnector.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A relay or agent running as its own process (java -jar reconnector.jar), its output kept. */
final class Proc implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Thread reader;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private Proc(String name, List<String> command) throws IOException {
        this.name = name;
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    if (System.getenv("E2E_ECHO") != null) {
                        System.out.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Any other program (HAProxy, say), its output kept the same way. */
    static Proc command(String name, List<String> command) throws IOException {
        return new Proc(name, command);
    }

    /** SIGTERM, as Kubernetes sends it, and wait for the process to finish its drain. */
    int terminate(long timeoutMillis) throws InterruptedException, IOException {
        // kill(1) rather than Process.destroy(): the same signal, sent the way an operator would.
        new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start().waitFor();
        return waitForExit(timeoutMillis);
    }

    static Proc start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-jar");
        cmd.add(System.getProperty("reconnector.jar", "../cli/target/reconnector.jar"));
        cmd.addAll(List.of(args));
        return new Proc(name, cmd);
    }

    /** Waits for an output line matching {@code regex}; returns its first group (or the line). */
    String await(String regex, long timeoutMillis) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        int seen = 0;
        while (System.currentTimeMillis() < deadline) {
            for (; seen < lines.size(); seen++) {
                Matcher m = p.matcher(lines.get(seen));
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : lines.get(seen);
                }
            }
            if (!process.isAlive() && seen >= lines.size()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before printing /" + regex
                        + "/; its output:\n" + String.join("\n", lines));
            }
            Thread.sleep(10);
        }
        throw new AssertionError(name + " did not print /" + regex + "/ within " + timeoutMillis + " ms; its output:\n"
                + String.join("\n", lines));
    }

    long count(String regex) {
        Pattern p = Pattern.compile(regex);
        return lines.stream().filter(l -> p.matcher(l).find()).count();
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
            throw new AssertionError(name + " still running after " + timeoutMillis + " ms");
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
    }
}
