package io.reconnector.cli;

import io.reconnector.edge.HostPort;
import io.reconnector.relay.ClusterOptions;
import io.reconnector.store.ClusterKeys;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The relay's cluster flags: how nodes find each other, and the secret that lets them trust each other. */
final class ClusterFlags {
    @Option(names = "--cluster-name", defaultValue = "reconnector",
            description = "the readable part of the Hazelcast cluster name; the rest is derived from the secret "
                    + "(default ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--cluster-host", defaultValue = "127.0.0.1",
            description = "the address Hazelcast and the event bus bind to, and only that one (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--cluster-port", defaultValue = "0", description = "Hazelcast member port (default: the first free from 5701)")
    int port;

    @Option(names = "--cluster-members", split = ",", description = "other members, HOST:PORT,HOST:PORT,...")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster-secret-file",
            description = "a file of random bytes, the same on every node: it proves a node belongs to the cluster, "
                    + "and seals session records (required with --cluster-members or --cluster-dns)")
    Path secretFile;

    @Option(names = "--cluster-dns", description = "Kubernetes headless service DNS name to find members by "
            + "(instead of --cluster-members), at --cluster-port")
    String dns;

    @Option(names = "--peer-listen", converter = Converters.HostPortConverter.class, defaultValue = "127.0.0.1:0",
            description = "where other nodes forward client transports to this one (default ${DEFAULT-VALUE}: any free port)")
    HostPort peerListen;

    @Option(names = "--event-bus-port", defaultValue = "0",
            description = "the event bus port for control messages between nodes (default: any free port; set it "
                    + "when a firewall or NetworkPolicy must name it)")
    int eventBusPort;

    @Option(names = "--replication-interval", converter = Converters.DurationConverter.class, defaultValue = "200ms",
            description = "how often session progress is written to the cluster at most (default ${DEFAULT-VALUE})")
    Duration replicationInterval;

    ClusterOptions options(CommandLine.Model.CommandSpec spec) {
        byte[] secret;
        if (secretFile != null) {
            try {
                secret = Files.readAllBytes(secretFile);
            } catch (IOException e) {
                throw Flags.wrong(spec, "--cluster-secret-file " + secretFile + ": cannot read it (" + e.getMessage() + ")");
            }
            if (secret.length < ClusterKeys.MIN_SECRET_BYTES) {
                throw Flags.wrong(spec, "--cluster-secret-file " + secretFile + " holds " + secret.length
                        + " bytes; use at least " + ClusterKeys.MIN_SECRET_BYTES
                        + " random bytes, e.g. head -c 32 /dev/urandom > secret");
            }
        } else if (!members.isEmpty() || dns != null) {
            throw Flags.wrong(spec, "a cluster needs --cluster-secret-file: the same file of random bytes on every node "
                    + "(head -c 32 /dev/urandom > secret)");
        } else {
            secret = new SecureRandom().generateSeed(32); // a cluster of one: nobody else needs to know it
        }
        if (port < 0 || port > 65535 || eventBusPort < 0 || eventBusPort > 65535) {
            throw Flags.wrong(spec, "--cluster-port and --event-bus-port take a port 0-65535");
        }
        return new ClusterOptions(name, host, port, members, dns, new ClusterKeys(secret), peerListen, eventBusPort,
                replicationInterval);
    }
}
