package io.reconnector.relay;

import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.IpAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the names clients send (the names extension): first from {@code --hosts-file}
 * (the /etc/hosts format, re-read when it changes), then from the system's resolver, on a
 * worker thread so a slow DNS server never stalls an event loop.
 */
final class NameResolver {
    /** The name has no address: Connect Failed with {@code NO_SUCH_HOST}. */
    static final class NoSuchHost extends Exception {
        NoSuchHost(String name) {
            super("no such host: " + name, null, false, false);
        }
    }

    private final Vertx vertx;
    private final Path hostsFile;
    private volatile Map<String, List<IpAddress>> hosts = Map.of();
    private volatile FileTime hostsReadAt;

    /** @param hostsFile null for none */
    NameResolver(Vertx vertx, Path hostsFile) {
        this.vertx = vertx;
        this.hostsFile = hostsFile;
    }

    /** The addresses of {@code name}, in the resolver's order; fails with {@link NoSuchHost} when it has none. */
    Future<List<IpAddress>> resolve(HostName name) {
        return vertx.executeBlocking(() -> lookup(name), false);
    }

    private List<IpAddress> lookup(HostName name) throws Exception {
        if (hostsFile != null) {
            List<IpAddress> listed = hosts().get(name.name());
            if (listed != null) {
                return listed;
            }
        }
        try {
            List<IpAddress> found = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(name.name())) {
                found.add(IpAddress.of(a));
            }
            return found;
        } catch (UnknownHostException e) {
            throw new NoSuchHost(name.name());
        }
    }

    private Map<String, List<IpAddress>> hosts() throws IOException {
        FileTime modified = Files.getLastModifiedTime(hostsFile);
        if (!modified.equals(hostsReadAt)) {
            hosts = parse(Files.readAllLines(hostsFile));
            hostsReadAt = modified;
        }
        return hosts;
    }

    /** {@code ADDRESS NAME [ALIAS...]} per line, {@code #} to the end of a line is a comment; bad lines are skipped. */
    static Map<String, List<IpAddress>> parse(List<String> lines) {
        Map<String, List<IpAddress>> byName = new HashMap<>();
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] fields = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
            if (fields.length < 2) {
                continue;
            }
            io.reconnector.protocol.frame.Destination first;
            try {
                first = io.reconnector.protocol.frame.Destination.parse(fields[0]);
            } catch (IllegalArgumentException e) {
                continue; // neither an address nor a name
            }
            if (!(first instanceof IpAddress address)) {
                continue; // not an address: as the system's resolver does, skip the line
            }
            for (int i = 1; i < fields.length; i++) {
                try {
                    byName.computeIfAbsent(new HostName(fields[i]).name(), k -> new ArrayList<>()).add(address);
                } catch (IllegalArgumentException e) {
                    // not a name: skip it
                }
            }
        }
        byName.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(byName);
    }
}
