package io.reconnector.e2e;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs the real curl, and a local HTTP server for it to fetch from. */
final class Curl {
    record Result(int exit, String stdout, String stderr) {
    }

    private Curl() {
    }

    static Result get(int socksPort, String url) throws IOException, InterruptedException {
        return run("--socks5-hostname", "127.0.0.1:" + socksPort, url);
    }

    /** curl with these arguments after --silent --show-error --max-time 20. */
    static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl hung: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** An HTTP server on 127.0.0.1 answering /n/K with K KiB of a line naming n. */
    static HttpServer server() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        s.setExecutor(Executors.newFixedThreadPool(4));
        s.createContext("/", ex -> {
            String[] parts = ex.getRequestURI().getPath().split("/");
            int kib = parts.length > 2 ? Integer.parseInt(parts[2]) : 1;
            byte[] body = body(parts.length > 1 ? parts[1] : "", kib);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        return s;
    }

    static byte[] body(String name, int kib) {
        StringBuilder b = new StringBuilder();
        String line = "response " + name + " ";
        while (b.length() < kib * 1024) {
            b.append(line).append(b.length()).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
