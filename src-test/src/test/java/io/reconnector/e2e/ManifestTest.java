package io.reconnector.e2e;

import io.reconnector.cli.Main;
import io.reconnector.edge.AdminServer;
import io.reconnector.edge.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests held to the code, since no Kubernetes cluster runs here: every overlay renders
 * and validates against the API schema; the container's flags parse with the relay's own
 * command line; probes ask the admin server for paths it serves; ports agree between flags,
 * container, Services and NetworkPolicy; the grace period outlasts the drain; the pod runs as
 * nobody in particular, on a read-only root, within limits.
 */
class ManifestTest {
    private static final String RELAY = "reconnector-relay";

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/cert-manager", "overlays/prometheus-operator", "overlays/proxy-protocol"})
    void everyOverlayRendersValidObjectsWhoseFlagsTheRelayAccepts(String dir) throws Exception {
        List<JsonObject> objects = Manifests.render(dir);
        JsonObject container = container(objects);
        List<String> args = args(container);
        assertEquals("relay", args.get(0));
        // picocli parses them as `reconnector relay …` would: an unknown or malformed flag fails here.
        CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
        assertTrue(parsed.hasSubcommand());
    }

    @Test
    void probesPortsGraceAndSecurityAgreeWithTheCode() throws Exception {
        List<JsonObject> objects = Manifests.render("base");
        JsonObject sts = Manifests.find(objects, "StatefulSet", RELAY);
        JsonObject pod = sts.getJsonObject("spec").getJsonObject("template").getJsonObject("spec");
        JsonObject container = container(objects);
        Map<String, String> flags = flags(args(container));
        Map<String, Integer> ports = new HashMap<>();
        for (Object p : container.getJsonArray("ports")) {
            ports.put(((JsonObject) p).getString("name"), ((JsonObject) p).getInteger("containerPort"));
        }

        // Each named port is the one its flag listens on.
        assertEquals(port(flags.get("--listen")), ports.get("client"));
        assertEquals(port(flags.get("--peer-listen")), ports.get("peer"));
        assertEquals(Integer.parseInt(flags.get("--cluster-port")), ports.get("hazelcast"));
        assertEquals(Integer.parseInt(flags.get("--event-bus-port")), ports.get("event-bus"));
        assertEquals(port(flags.get("--admin-listen")), ports.get("admin"));

        // Probes ask the admin port for what the admin server serves.
        Set<String> served = Set.of(AdminServer.HEALTHZ, AdminServer.READYZ);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonObject get = container.getJsonObject(probe).getJsonObject("httpGet");
            assertTrue(served.contains(get.getString("path")), probe + " asks for " + get.getString("path"));
            assertEquals("admin", get.getString("port"), probe);
        }
        assertEquals(AdminServer.READYZ, container.getJsonObject("readinessProbe").getJsonObject("httpGet").getString("path"));

        // Services point at ports the container has; the headless one carries the cluster plane.
        for (String service : List.of("reconnector", "reconnector-members", "reconnector-admin")) {
            for (Object p : Manifests.find(objects, "Service", service).getJsonObject("spec").getJsonArray("ports")) {
                String target = ((JsonObject) p).getString("targetPort");
                assertTrue(ports.containsKey(target), service + " targets " + target);
                assertEquals(ports.get(target), ((JsonObject) p).getInteger("port"), service + " " + target);
            }
        }
        assertEquals(Set.of("hazelcast", "event-bus", "peer"), names(Manifests.find(objects, "Service",
                "reconnector-members").getJsonObject("spec").getJsonArray("ports")));
        assertEquals(Set.of("client"), names(Manifests.find(objects, "Service", "reconnector")
                .getJsonObject("spec").getJsonArray("ports")));
        assertTrue(flags.get("--cluster-dns").startsWith("reconnector-members."), "discovery through the headless Service");

        // The NetworkPolicy: the client port to anyone, the cluster plane to relays, admin to monitoring.
        JsonArray ingress = Manifests.find(objects, "NetworkPolicy", RELAY).getJsonObject("spec").getJsonArray("ingress");
        Map<Set<Integer>, JsonArray> rules = new HashMap<>();
        for (Object r : ingress) {
            Set<Integer> rulePorts = ((JsonObject) r).getJsonArray("ports").stream()
                    .map(p -> ((JsonObject) p).getInteger("port")).collect(Collectors.toSet());
            rules.put(rulePorts, ((JsonObject) r).getJsonArray("from"));
        }
        assertEquals(Set.of(Set.of(ports.get("client")), Set.of(ports.get("hazelcast"), ports.get("peer"),
                ports.get("event-bus")), Set.of(ports.get("admin"))), rules.keySet());
        assertEquals(null, rules.get(Set.of(ports.get("client"))), "the client port is open to anyone");
        JsonObject relays = rules.get(Set.of(ports.get("hazelcast"), ports.get("peer"), ports.get("event-bus")))
                .getJsonObject(0).getJsonObject("podSelector").getJsonObject("matchLabels");
        assertEquals(sts.getJsonObject("spec").getJsonObject("selector").getJsonObject("matchLabels"), relays,
                "only relay pods reach the cluster plane");

        // A node drains before it is killed.
        long drain = Durations.parse(flags.get("--drain-grace")).toSeconds();
        long preStop = container.getJsonObject("lifecycle").getJsonObject("preStop").getJsonObject("sleep").getLong("seconds");
        assertTrue(pod.getLong("terminationGracePeriodSeconds") > drain + preStop,
                "grace " + pod.getLong("terminationGracePeriodSeconds") + " s > drain " + drain + " s + preStop " + preStop + " s");

        // Nobody in particular, on a read-only root, without privileges, within limits.
        assertTrue(pod.getJsonObject("securityContext").getBoolean("runAsNonRoot"));
        JsonObject sc = container.getJsonObject("securityContext");
        assertTrue(sc.getBoolean("readOnlyRootFilesystem"));
        assertEquals(false, sc.getBoolean("allowPrivilegeEscalation"));
        assertEquals(new JsonArray().add("ALL"), sc.getJsonObject("capabilities").getJsonArray("drop"));
        assertTrue(container.getJsonObject("resources").getJsonObject("limits").containsKey("memory"));
        assertTrue(container.getJsonObject("resources").getJsonObject("requests").containsKey("cpu"));

        // One node away at a time; the autoscaler scales this StatefulSet.
        assertEquals(1, Manifests.find(objects, "PodDisruptionBudget", RELAY).getJsonObject("spec").getInteger("maxUnavailable"));
        assertEquals(RELAY, Manifests.find(objects, "HorizontalPodAutoscaler", RELAY).getJsonObject("spec")
                .getJsonObject("scaleTargetRef").getString("name"));

        // TLS is on, from mounted secrets; the image runs as the user the pod asks for.
        assertTrue(flags.containsKey("--tls-cert") && flags.containsKey("--client-ca"), "TLS with client certificates");
        String dockerfile = Files.readString(Manifests.K8S.resolveSibling("Dockerfile"));
        long uid = pod.getJsonObject("securityContext").getLong("runAsUser");
        assertTrue(dockerfile.contains("USER " + uid + ":"), "the image's USER is the pod's runAsUser " + uid);
        assertTrue(dockerfile.contains("\"-jar\", \"/app/reconnector.jar\"]"), "the image runs the jar");
    }

    static JsonObject container(List<JsonObject> objects) {
        return Manifests.find(objects, "StatefulSet", RELAY).getJsonObject("spec").getJsonObject("template")
                .getJsonObject("spec").getJsonArray("containers").getJsonObject(0);
    }

    static List<String> args(JsonObject container) {
        return container.getJsonArray("args").stream().map(String::valueOf).toList();
    }

    /** Flag to value, for flags that take one (every one in the manifests but switches). */
    private static Map<String, String> flags(List<String> args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 1; i < args.size(); i++) {
            if (args.get(i).startsWith("--")) {
                boolean hasValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                out.put(args.get(i), hasValue ? args.get(i + 1) : "true");
            }
        }
        return out;
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static Set<String> names(JsonArray ports) {
        Set<String> out = new HashSet<>();
        ports.forEach(p -> out.add(((JsonObject) p).getString("name")));
        return out;
    }
}
