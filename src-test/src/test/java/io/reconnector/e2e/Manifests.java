package io.reconnector.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes manifests as a cluster would get them: rendered by {@code kubectl kustomize},
 * validated against the API schema by {@code k8s/validate} (npm's kubernetes-models, installed
 * on first use), and handed over as JSON objects.
 */
final class Manifests {
    static final Path K8S = Path.of("..", "k8s").toAbsolutePath().normalize();
    private static final Path VALIDATOR = K8S.resolve("validate");

    private Manifests() {
    }

    /** The objects {@code kubectl kustomize k8s/<dir>} renders, each validated against its schema. */
    static List<JsonObject> render(String dir) throws Exception {
        installValidator();
        String yaml = run(List.of("kubectl", "kustomize", K8S.resolve(dir).toString()), null, 60);
        String json = run(List.of("node", VALIDATOR.resolve("validate.mjs").toString(), "--json"), yaml, 60);
        List<JsonObject> out = new ArrayList<>();
        new JsonArray(json).forEach(o -> out.add((JsonObject) o));
        return out;
    }

    static JsonObject find(List<JsonObject> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.getString("kind"))
                        && name.equals(o.getJsonObject("metadata").getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the manifests"));
    }

    private static synchronized void installValidator() throws Exception {
        if (!Files.isDirectory(VALIDATOR.resolve("node_modules"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", VALIDATOR.toString()), null, 300);
        }
    }

    private static String run(List<String> cmd, String stdin, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + new String(err, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
