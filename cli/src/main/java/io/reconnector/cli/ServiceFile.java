package io.reconnector.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent as a service: the systemd user unit or the launchd plist from {@code packaging/},
 * with the paths of this installation filled in ({@code agent --print-service}).
 */
enum ServiceFile {
    systemd("packaging/systemd/reconnector-agent.service"),
    launchd("packaging/launchd/io.reconnector.agent.plist");

    private final String resource;

    ServiceFile(String resource) {
        this.resource = resource;
    }

    /** The file, with {@code @RECONNECTOR@} the launcher of this installation and {@code @HOME@} the user's home. */
    String render() throws IOException {
        try (InputStream in = ServiceFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@RECONNECTOR@", launcher())
                    .replace("@HOME@", System.getProperty("user.home"));
        }
    }

    /**
     * bin/reconnector of the checkout this jar was built in (it rebuilds a stale jar and gives
     * the agent its small-footprint JVM flags); else java -jar this jar.
     */
    static String launcher() throws IOException {
        try {
            Path jar = Path.of(ServiceFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path bin = jar.getParent() == null || jar.getParent().getParent() == null ? null
                    : jar.getParent().getParent().getParent().resolve("bin").resolve("reconnector");
            if (bin != null && Files.isExecutable(bin)) {
                return bin.toAbsolutePath().normalize().toString();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            return java + " -XX:+UseSerialGC -Xmx64m -jar " + jar.toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot tell where this installation is: " + e.getMessage());
        }
    }
}
