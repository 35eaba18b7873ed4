package io.reconnector.cli;

import io.reconnector.relay.Limits;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The relay's limits: what one client may cost it. Defaults never get in the way of normal use. */
final class LimitFlags {
    @Option(names = "--max-sessions", defaultValue = "" + Limits.DEFAULT_MAX_SESSIONS,
            description = "sessions on this node; over it a Start Session is refused (default ${DEFAULT-VALUE})")
    int maxSessions;

    @Option(names = "--max-sessions-per-identity", defaultValue = "" + Limits.DEFAULT_MAX_SESSIONS_PER_IDENTITY,
            description = "sessions of one identity across the cluster (of one address on this node, without "
                    + "client certificates) (default ${DEFAULT-VALUE})")
    int maxSessionsPerIdentity;

    @Option(names = "--max-connections", defaultValue = "" + Limits.DEFAULT_MAX_CONNECTIONS,
            description = "connections in one session; over it New Connection gets errno 24 (default ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--max-connection-rate", defaultValue = "" + Limits.DEFAULT_MAX_CONNECTIONS_PER_SECOND,
            description = "new connections one session may open per second, in bursts of as many "
                    + "(default ${DEFAULT-VALUE})")
    int maxConnectionRate;

    @Option(names = "--max-handshakes-per-address", defaultValue = "" + Limits.DEFAULT_MAX_HANDSHAKES_PER_ADDRESS,
            description = "transports from one address that have not finished their handshake (default ${DEFAULT-VALUE})")
    int maxHandshakesPerAddress;

    @Option(names = "--max-session-buffer", converter = Converters.ByteSizeConverter.class,
            defaultValue = "" + (Limits.DEFAULT_SESSION_BUFFER >> 20) + "m",
            description = "data one session holds, read from its destinations and not yet acked by its agent; "
                    + "reading pauses at it (default ${DEFAULT-VALUE})")
    long maxSessionBuffer;

    @Option(names = "--max-connection-buffer", converter = Converters.ByteSizeConverter.class,
            defaultValue = "" + (Limits.DEFAULT_CONNECTION_BUFFER >> 20) + "m",
            description = "data in flight on one connection, whatever window the agent grants (default ${DEFAULT-VALUE})")
    long maxConnectionBuffer;

    Limits limits(CommandLine.Model.CommandSpec spec) {
        try {
            return new Limits(maxSessions, maxSessionsPerIdentity, maxConnections, maxConnectionRate,
                    maxHandshakesPerAddress, maxSessionBuffer, maxConnectionBuffer);
        } catch (IllegalArgumentException e) {
            throw Flags.wrong(spec, e.getMessage() + " (see --help for each --max-… flag)");
        }
    }
}
