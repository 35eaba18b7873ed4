package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an operator's scripts and a person at a terminal see of relay, agent and demo. */
class CommandLineTest {
    private static final Duration START = Duration.ofSeconds(60);

    private static List<String> relayArgs(String host) {
        return List.of("relay", "--listen", host + ":7000", "--cluster-host", host, "--allow", "127.0.0.0/8",
                "--cluster-name", "e2e-" + UUID.randomUUID());
    }

    private static void awaitLine(Proc p, String regex) {
        Pattern pattern = Pattern.compile(regex);
        try {
            await(p + " prints /" + regex + "/").atMost(START)
                    .until(() -> p.lines.stream().anyMatch(l -> pattern.matcher(l).find()) || !p.alive());
        } finally {
            assertTrue(p.lines.stream().anyMatch(l -> pattern.matcher(l).find()),
                    "no line matches /" + regex + "/ in:\n" + p.output());
        }
    }

    /** Runs a command that must refuse its flags (exit status 2) and returns what it printed. */
    private static String refusal(String name, List<String> args) throws Exception {
        try (Proc p = Proc.startText(name, args)) {
            assertEquals(2, p.waitForExit(30_000));
            return p.output();
        }
    }

    @Test
    void theStartupLinesScriptsWaitForAreThereInTheTextFormat() throws Exception {
        String host = Loopback.subnet() + ".2";
        try (Proc relay = Proc.startText("relay", relayArgs(host))) {
            awaitLine(relay, "relay listening on " + Pattern.quote(host) + ":7000\\b");
            try (Proc agent = Proc.startText("agent", List.of("agent", "--relay", host + ":7000", "--socks", "127.0.0.1:0"))) {
                awaitLine(agent, "agent ready \\(client id \\d+, ");
                awaitLine(agent, "new session");
                awaitLine(agent, "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO ");
            }
        }
    }

    @Test
    void ctrlCEndsTheAgentWithinASecondEndsItsSessionAndSaysSoInOneLine() throws Exception {
        String host = Loopback.subnet() + ".2";
        try (Upstream upstream = new Upstream(); Proc relay = Proc.start("relay", relayArgs(host))) {
            relay.await(Event.RELAY_LISTENING, START);
            try (Proc agent = Proc.start("agent", List.of("agent", "--relay", host + ":7000",
                    "--forward", "0:127.0.0.1:" + upstream.port()))) {
                long clientId = agent.await(Event.AGENT_READY, START).getLong("client_id");
                int port = agent.await(Event.LISTENER_BOUND, START).getInteger("port");
                agent.await(Event.NEW_SESSION, START);
                try (Socket app = new Socket("127.0.0.1", port)) {
                    app.getOutputStream().write("ping".getBytes());
                    app.getInputStream().readNBytes(4); // echoed: the connection is open end to end
                    int linesBefore = agent.lines.size();
                    long t0 = System.nanoTime();
                    agent.signal("INT");
                    agent.waitForExit(5_000);
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(millis < 1000, "stopped in " + millis + " ms");
                    List<String> after = agent.lines.subList(linesBefore, agent.lines.size());
                    assertEquals(1, after.size(), "one line on the way out:\n" + String.join("\n", after));
                    assertTrue(after.get(0).contains(Event.AGENT_STOPPED.key()), after.get(0));
                    relay.await(Event.SESSION_ENDED, e -> e.getLong("client_id") == clientId
                            && "CLIENT_ENDED".equals(e.getString("reason")), Duration.ofSeconds(2));
                    assertEquals(-1, readOrReset(app), "the application's connection ended with the agent");
                }
            }
        }
    }

    @Test
    void theDemoEndsCleanlyAfterItsSummary() throws Exception {
        try (Proc demo = Proc.startText("demo", List.of("demo", "--cuts", "3", "--megabytes", "8"))) {
            assertEquals(0, demo.waitForExit(120_000), demo.output());
            List<String> lines = demo.lines;
            assertTrue(lines.contains("demo: checksums equal (SHA-256, both directions): yes"), demo.output());
            int summary = lines.indexOf(lines.stream().filter(l -> l.startsWith("demo: application errors: 0"))
                    .findFirst().orElseThrow(() -> new AssertionError("no summary:\n" + demo.output())));
            List<String> after = lines.subList(summary + 1, lines.size());
            assertTrue(after.stream().noneMatch(l -> l.contains("Exception") || l.contains("reconnecting")
                    || l.contains("lost the relay") || l.startsWith("\tat ")), "a quiet ending:\n" + String.join("\n", after));
            assertTrue(after.stream().anyMatch(l -> l.contains("agent: stopped; session 4242 ended")), demo.output());
        }
    }

    @Test
    void plaintextOffLoopbackIsRefusedWithAWayOut() throws Exception {
        // Refused while the flags are read: nothing binds 0.0.0.0, and relay.invalid is never looked up.
        String relay = refusal("relay", List.of("relay", "--listen", "0.0.0.0:7999"));
        assertTrue(relay.contains("would serve plaintext to the network")
                && relay.contains("--tls-cert") && relay.contains("--insecure-plaintext"), relay);
        String agent = refusal("agent", List.of("agent", "--relay", "relay.invalid:7000", "--plaintext",
                "--socks", "127.0.0.1:0"));
        assertTrue(agent.contains("in clear over the network") && agent.contains("--insecure-plaintext"), agent);
        String clientCa = refusal("relay", List.of("relay", "--listen", "127.0.0.1:7999", "--client-ca", "/nonexistent"));
        assertTrue(clientCa.contains("client certificates need TLS"), clientCa);
    }

    @Test
    void anEventLoopCountOutOfRangeSaysWhatToGive() throws Exception {
        String out = refusal("relay", List.of("relay", "--listen", "127.0.0.1:7998", "--event-loops", "0"));
        assertTrue(out.contains("--event-loops 0 is out of range: give 1 to 1024"), out);
        assertTrue(!out.contains("relay listening"), "nothing started:\n" + out);
    }

    @Test
    void aBusyPollTooLongOrWithoutAUnitSaysWhatToGive() throws Exception {
        String relay = refusal("relay", List.of("relay", "--listen", "127.0.0.1:7998", "--busy-poll", "5ms"));
        assertTrue(relay.contains("--busy-poll 5ms is too long: give 0 (never poll) to 1ms"), relay);
        assertTrue(!relay.contains("relay listening"), "nothing started:\n" + relay);
        String agent = refusal("agent", List.of("agent", "--relay", "127.0.0.1:7998", "--socks", "127.0.0.1:0",
                "--busy-poll", "100"));
        assertTrue(agent.contains("'100' is not a duration") && agent.contains("100us"), agent);
    }

    @Test
    void pkiInitAndIssueMakeFilesOpensslAccepts() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pki-cli").resolve("ca");
        try (Proc init = Proc.startText("pki", List.of("pki", "init", dir.toString(), "--relay-name", "relay.test",
                "--relay-name", "127.0.0.1"))) {
            assertEquals(0, init.waitForExit(30_000), init.output());
            assertTrue(init.output().contains("--tls-cert " + dir.resolve("relay.crt")), init.output());
        }
        try (Proc issue = Proc.startText("pki", List.of("pki", "issue", dir.toString(), "alice", "--days", "7"))) {
            assertEquals(0, issue.waitForExit(30_000), issue.output());
        }
        try (Proc again = Proc.startText("pki", List.of("pki", "issue", dir.toString(), "alice"))) {
            assertEquals(2, again.waitForExit(30_000), "never overwrites");
            assertTrue(again.output().contains("already issued"), again.output());
        }
        Process verify = new ProcessBuilder("openssl", "verify", "-CAfile", dir.resolve("ca.crt").toString(),
                dir.resolve("alice.crt").toString(), dir.resolve("relay.crt").toString()).redirectErrorStream(true).start();
        String out = new String(verify.getInputStream().readAllBytes());
        assertEquals(0, verify.waitFor(), out);
        assertTrue(out.contains("alice.crt: OK") && out.contains("relay.crt: OK"), out);
    }

    private static int readOrReset(Socket s) {
        try {
            s.setSoTimeout(5000);
            return s.getInputStream().read();
        } catch (java.io.IOException e) {
            return -1; // reset
        }
    }

    @Test
    void theAgentPrintsServiceFilesThatRunThisInstallation(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String unit;
        try (Proc p = Proc.startText("service", List.of("agent", "--print-service", "systemd"))) {
            assertEquals(0, p.waitForExit(30_000), p.output());
            unit = p.output();
        }
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        java.nio.file.Path launcher = java.nio.file.Path.of(exec.substring("ExecStart=".length()).split(" ")[0]);
        assertTrue(java.nio.file.Files.isExecutable(launcher) && exec.endsWith(" agent"), exec);
        assertTrue(java.nio.file.Files.isSameFile(launcher, java.nio.file.Path.of("../bin/reconnector")), exec);
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("reconnector-agent.service"), unit + "\n");
        if (new java.io.File("/usr/bin/systemd-analyze").canExecute()) {
            Process verify = new ProcessBuilder("systemd-analyze", "verify", file.toString()).redirectErrorStream(true).start();
            String said = new String(verify.getInputStream().readAllBytes());
            assertEquals(0, verify.waitFor(), "systemd-analyze verify: " + said);
        }

        String plist;
        try (Proc p = Proc.startText("service", List.of("agent", "--print-service", "launchd"))) {
            assertEquals(0, p.waitForExit(30_000), p.output());
            plist = p.output();
        }
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        // Apple's DTD is named by URL: never fetched (nothing leaves this machine), only well-formedness is checked.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        org.w3c.dom.Document doc = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(plist.getBytes()));
        org.w3c.dom.NodeList strings = doc.getElementsByTagName("string");
        List<String> values = new java.util.ArrayList<>();
        for (int i = 0; i < strings.getLength(); i++) {
            values.add(strings.item(i).getTextContent());
        }
        assertEquals("io.reconnector.agent", values.get(0));
        assertTrue(java.nio.file.Files.isSameFile(java.nio.file.Path.of(values.get(1)), launcher), values.toString());
        assertEquals("agent", values.get(2));
        assertTrue(values.stream().noneMatch(v -> v.contains("@")), "every placeholder filled: " + values);
    }
}
