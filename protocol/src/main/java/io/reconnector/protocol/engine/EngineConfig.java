package io.reconnector.protocol.engine;

/**
 * Tunables of one session engine.
 *
 * @param receiveWindowBytes bytes this side is willing to hold per connection, delivered but
 *                           not yet written out to the local socket (the receive window)
 * @param maxDataFrame       the largest payload this side puts in one Data frame
 * @param ackEveryMessages   ack at once after this many unacked peer messages, even mid-batch
 * @param maxUnacked         sequenced messages that may be unacked at once (the contract's
 *                           32,768; lower only in tests)
 * @param keepaliveMillis    send a Keepalive after this long without sending anything
 * @param deadMillis         treat the transport as lost after this long without receiving
 * @param sendCapBytes       the most we send ahead of the peer's acks on one connection, whatever
 *                           window the peer grants (our own memory, not the peer's, bounds it)
 * @param bufferBudgetBytes  the most this session holds of data read from its local sockets and
 *                           not yet acked by the peer; reading pauses at the budget
 * @param extensions         speak the names-and-IPv6 extension when the peer does (docs/PROTOCOL.md,
 *                           "Extensions"); off, the engine is exactly a seed-only peer (tests, interop)
 */
public record EngineConfig(int receiveWindowBytes, int maxDataFrame, int ackEveryMessages, int maxUnacked,
                           long keepaliveMillis, long deadMillis, long sendCapBytes, long bufferBudgetBytes,
                           boolean extensions) {
    /** The largest window a frame can carry: 65,535 × 256 bytes; keep headroom below it. */
    public static final int MAX_RECEIVE_WINDOW = 8 << 20;
    public static final int DEFAULT_RECEIVE_WINDOW = 1 << 20;

    // Liveness defaults, written once. Both sides send a keepalive after 2 s idle; the agent
    // gives up on a silent relay sooner (7 s: it reconnects) than the relay on a silent agent
    // (10 s: it only detaches). Seconds, so command lines can show them as "2s".
    public static final long DEFAULT_SEND_CAP = 4 << 20;
    public static final long DEFAULT_BUFFER_BUDGET = 64 << 20;
    public static final int DEFAULT_KEEPALIVE_SECONDS = 2;
    public static final int SERVER_DEFAULT_DEAD_SECONDS = 10;
    public static final int CLIENT_DEFAULT_DEAD_SECONDS = 7;

    public EngineConfig {
        if (receiveWindowBytes < Windows.UNIT || receiveWindowBytes > MAX_RECEIVE_WINDOW) {
            throw new IllegalArgumentException("receive window must be 256 bytes .. 8 MiB, got " + receiveWindowBytes);
        }
        if (maxDataFrame < 1 || maxDataFrame > io.reconnector.protocol.frame.FrameType.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("max data frame must be 1 .. 65535 bytes, got " + maxDataFrame);
        }
        if (ackEveryMessages < 1) {
            throw new IllegalArgumentException("ackEveryMessages must be at least 1");
        }
        if (maxUnacked < 1 || maxUnacked > io.reconnector.protocol.Serial16.HALF) {
            throw new IllegalArgumentException("maxUnacked must be 1 .. 32768, got " + maxUnacked);
        }
        if (sendCapBytes < Windows.UNIT || bufferBudgetBytes < sendCapBytes) {
            throw new IllegalArgumentException("need 256 bytes <= send cap <= buffer budget, got cap " + sendCapBytes
                    + ", budget " + bufferBudgetBytes);
        }
        if (keepaliveMillis <= 0 || deadMillis <= keepaliveMillis) {
            throw new IllegalArgumentException("need 0 < keepalive < dead interval, got keepalive "
                    + keepaliveMillis + " ms, dead " + deadMillis + " ms");
        }
    }

    /** The relay's defaults. */
    public static EngineConfig serverDefaults() {
        return new EngineConfig(DEFAULT_RECEIVE_WINDOW, 32 * 1024, 64, io.reconnector.protocol.Serial16.HALF,
                DEFAULT_KEEPALIVE_SECONDS * 1000L, SERVER_DEFAULT_DEAD_SECONDS * 1000L, DEFAULT_SEND_CAP,
                DEFAULT_BUFFER_BUDGET, true);
    }

    /** The agent's defaults. */
    public static EngineConfig clientDefaults() {
        return serverDefaults().withTiming(DEFAULT_KEEPALIVE_SECONDS * 1000L, CLIENT_DEFAULT_DEAD_SECONDS * 1000L);
    }

    /**
     * How often an edge calls {@code tick}: keepalives and dead links are noticed to within one
     * tick, so a small part of both intervals (a quarter of the keepalive, a fortieth of the
     * dead interval), between 10 ms and 1 s.
     */
    public long tickMillis() {
        return Math.max(10, Math.min(1000, Math.min(keepaliveMillis / 4, deadMillis / 40)));
    }

    public EngineConfig withReceiveWindow(int bytes) {
        return new EngineConfig(bytes, maxDataFrame, ackEveryMessages, maxUnacked, keepaliveMillis, deadMillis, sendCapBytes, bufferBudgetBytes, extensions);
    }

    public EngineConfig withTiming(long keepalive, long dead) {
        return new EngineConfig(receiveWindowBytes, maxDataFrame, ackEveryMessages, maxUnacked, keepalive, dead, sendCapBytes, bufferBudgetBytes, extensions);
    }

    public EngineConfig withMaxDataFrame(int bytes) {
        return new EngineConfig(receiveWindowBytes, bytes, ackEveryMessages, maxUnacked, keepaliveMillis, deadMillis, sendCapBytes, bufferBudgetBytes, extensions);
    }

    /** Our own bounds: at most {@code cap} ahead of acks per connection, {@code budget} per session. */
    public EngineConfig withBuffers(long cap, long budget) {
        return new EngineConfig(receiveWindowBytes, maxDataFrame, ackEveryMessages, maxUnacked, keepaliveMillis,
                deadMillis, cap, budget, extensions);
    }

    /** Off: a seed-only peer, which neither offers nor accepts the extension. */
    public EngineConfig withExtensions(boolean on) {
        return new EngineConfig(receiveWindowBytes, maxDataFrame, ackEveryMessages, maxUnacked, keepaliveMillis,
                deadMillis, sendCapBytes, bufferBudgetBytes, on);
    }

    public EngineConfig withMaxUnacked(int n) {
        return new EngineConfig(receiveWindowBytes, maxDataFrame, ackEveryMessages, n, keepaliveMillis, deadMillis, sendCapBytes, bufferBudgetBytes, extensions);
    }
}
