package io.reconnector.relay;

import java.nio.file.Path;
import java.util.List;

/**
 * How a relay treats the names clients send (the names extension).
 *
 * @param hostsFile consulted before the system's resolver; null for none
 * @param allow     when not empty, only names one of these matches are resolved
 * @param deny      names never resolved
 */
public record NameOptions(Path hostsFile, List<NameRule> allow, List<NameRule> deny) {
    public NameOptions {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    public static NameOptions defaults() {
        return new NameOptions(null, List.of(), List.of());
    }
}
