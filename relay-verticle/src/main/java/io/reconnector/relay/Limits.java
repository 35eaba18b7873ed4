package io.reconnector.relay;

/**
 * What one client may cost a relay. Each limit has a default that ordinary use never meets — a
 * laptop with a few agents, a test suite opening hundreds of short sessions from one address —
 * and each refusal is counted by {@link Limit} in {@link RelayMetrics}.
 *
 * @param maxSessions              sessions homed on this node; over it, a Start Session is refused
 * @param maxSessionsPerIdentity   sessions of one identity across the cluster (of one source
 *                                 address on this node, for clients without a certificate)
 * @param maxConnections           connections in one session; over it, New Connection gets errno 24
 * @param maxConnectionsPerSecond  new connections one session may open per second (a burst of as many)
 * @param maxHandshakesPerAddress  transports from one address that have not finished their handshake
 * @param sessionBufferBytes       data one session holds, read upstream and not yet acked by its client
 * @param connectionBufferBytes    data in flight on one connection, whatever window the client grants
 */
public record Limits(int maxSessions, int maxSessionsPerIdentity, int maxConnections, int maxConnectionsPerSecond,
                     int maxHandshakesPerAddress, long sessionBufferBytes, long connectionBufferBytes) {

    /** Which limit refused something. */
    public enum Limit {
        SESSIONS, SESSIONS_PER_IDENTITY, CONNECTIONS, CONNECTION_RATE, HANDSHAKES
    }

    public static final int DEFAULT_MAX_SESSIONS = 10_000;
    public static final int DEFAULT_MAX_SESSIONS_PER_IDENTITY = 256;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SECOND = 5000;
    public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 64;
    public static final long DEFAULT_SESSION_BUFFER = 64L << 20;
    public static final long DEFAULT_CONNECTION_BUFFER = 4L << 20;

    public Limits {
        if (maxSessions < 1 || maxSessionsPerIdentity < 1 || maxConnections < 1 || maxConnectionsPerSecond < 1
                || maxHandshakesPerAddress < 1) {
            throw new IllegalArgumentException("every limit must be at least 1");
        }
        if (connectionBufferBytes < 64 * 1024 || sessionBufferBytes < connectionBufferBytes) {
            throw new IllegalArgumentException("need 64 KiB <= connection buffer <= session buffer, got "
                    + connectionBufferBytes + " and " + sessionBufferBytes);
        }
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_SESSIONS, DEFAULT_MAX_SESSIONS_PER_IDENTITY, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_SECOND, DEFAULT_MAX_HANDSHAKES_PER_ADDRESS, DEFAULT_SESSION_BUFFER,
                DEFAULT_CONNECTION_BUFFER);
    }

    public Limits withBuffers(long session, long connection) {
        return new Limits(maxSessions, maxSessionsPerIdentity, maxConnections, maxConnectionsPerSecond,
                maxHandshakesPerAddress, session, connection);
    }
}
