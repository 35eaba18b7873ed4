package io.reconnector.e2e;

import io.reconnector.cli.demo.ChaosProxy;
import io.reconnector.edge.Event;
import io.reconnector.relay.Upstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The base manifest's own container command line, run as three pods would run it: each on an
 * address of its own (127.0.0.2, .3, .4 as pod IPs), the pod's environment filled in, the
 * mounted files made by the test, and members found through --cluster-dns, which the JVM
 * resolves from a hosts file standing in for the headless Service's DNS. HAProxy plays the
 * LoadBalancer Service, taking a node in only while its /readyz says so. An agent's session
 * then resumes across the nodes.
 */
class ManifestClusterTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final String NAMESPACE = "e2e";
    private static final String BALANCER = "127.0.0.5";

    @Test
    void threeRelaysFromTheManifestFindEachOtherByDnsAndResumeASessionAcrossNodes() throws Exception {
        List<JsonObject> objects = Manifests.render("base");
        List<String> podArgs = ManifestTest.args(ManifestTest.container(objects));
        String dns = podArgs.get(podArgs.indexOf("--cluster-dns") + 1).replace("$(POD_NAMESPACE)", NAMESPACE);
        Path dir = Files.createTempDirectory("pods");
        Path hosts = dir.resolve("hosts");
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            h.append(podIp(i)).append(' ').append(dns).append('\n');
        }
        Files.writeString(hosts, h.toString());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Files.write(dir.resolve("secret"), secret);
        Files.writeString(dir.resolve("revoked"), "# nobody\n");
        TestPki pki = new TestPki(TestPki.Maker.PKI, List.of()).issue("alice");
        Map<String, String> mounts = Map.of(
                "/etc/reconnector/cluster/secret", dir.resolve("secret").toString(),
                "/etc/reconnector/tls/tls.crt", pki.cert("relay").toString(),
                "/etc/reconnector/tls/tls.key", pki.key("relay").toString(),
                "/etc/reconnector/client-ca/ca.crt", pki.cert("ca").toString(),
                "/etc/reconnector/revoked/revoked", dir.resolve("revoked").toString());

        List<Proc> pods = new ArrayList<>();
        Path cfg = dir.resolve("haproxy.cfg");
        Vertx vertx = Vertx.vertx();
        try (Upstream echo = new Upstream()) {
            for (int i = 0; i < 3; i++) {
                List<String> args = new ArrayList<>();
                for (String a : podArgs) {
                    String v = a.replace("$(POD_NAME)", "reconnector-relay-" + i).replace("$(POD_IP)", podIp(i))
                            .replace("$(POD_NAMESPACE)", NAMESPACE)
                            .replace("0.0.0.0:", podIp(i) + ":"); // a pod's "any address" is its own
                    args.add(mounts.getOrDefault(v, v));
                }
                // The manifest allows 10.0.0.0/8; on this machine the destination is a loopback echo.
                args.addAll(List.of("--allow", "127.0.0.1/32:" + echo.port()));
                // OrderedReady: each pod starts once the one before it is up, as the StatefulSet does.
                Proc pod = Proc.start("reconnector-relay-" + i, List.of("-Djdk.net.hosts.file=" + hosts), args);
                pods.add(pod);
                pod.await(Event.RELAY_LISTENING, START);
            }
            // One cluster, not three: each node sees all three members.
            for (Proc p : pods) {
                p.await(Event.CLUSTER_MEMBERS, e -> e.getInteger("members") == 3, START);
            }
            StringBuilder c = new StringBuilder(Haproxy.preamble()).append("""
                    frontend service
                      bind %s:7000
                      default_backend pods
                    backend pods
                      balance roundrobin
                      option httpchk GET /readyz
                    """.formatted(BALANCER));
            for (int i = 0; i < 3; i++) {
                c.append("  server r").append(i).append(' ').append(podIp(i)).append(":7000 check port 9090 inter 300ms\n");
            }
            Files.writeString(cfg, c.toString());
            try (Proc haproxy = Proc.command("haproxy", List.of("haproxy", "-db", "-f", cfg.toString()))) {
                ChaosProxy proxy = new ChaosProxy(vertx, BALANCER, 7000);
                int proxyPort = proxy.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get();
                List<String> agentArgs = new ArrayList<>(List.of("agent", "--relay", "127.0.0.1:" + proxyPort,
                        "--keepalive", "200ms", "--dead-after", "1s", "--backoff-max", "300ms",
                        "--forward", "0:127.0.0.1:" + echo.port()));
                agentArgs.addAll(pki.agentArgs("alice"));
                AgentProc a = AgentProc.start(agentArgs, START);
                try (Proc agent = a.proc(); Socket app = new Socket("127.0.0.1", a.forwardPorts().get(0))) {
                    app.setSoTimeout(20_000);
                    for (int cut = 0; cut < 3; cut++) {
                        app.getOutputStream().write(cut);
                        assertEquals(cut, app.getInputStream().read(), "echo before cut " + cut);
                        int mark = agent.mark();
                        proxy.resetAll();
                        agent.awaitFrom(mark, Event.RESUMED, e -> true, START);
                    }
                    app.getOutputStream().write(42);
                    assertEquals(42, app.getInputStream().read(), "the connection lived through every cut");
                    long nodesServing = pods.stream().filter(p -> p.count(Event.SESSION_RESUMED) > 0
                            || p.count(Event.TRANSPORT_FORWARDED) > 0 || p.count(Event.SESSION_MOVED_IN) > 0).count();
                    assertTrue(nodesServing >= 2, "the transports landed on more than one node: " + nodesServing);
                    assertEquals(0, agent.count(Event.REJECTED));
                }
            }
        } finally {
            for (Proc p : pods) {
                p.close();
            }
            vertx.close();
        }
    }

    private static String podIp(int i) {
        return "127.0.0." + (i + 2);
    }
}
