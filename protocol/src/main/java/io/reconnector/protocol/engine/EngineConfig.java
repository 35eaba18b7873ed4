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
 */
public record EngineConfig(int receiveWindowBytes, int maxDataFrame, int ackEveryMessages, int maxUnacked,
                           long keepaliveMillis, long deadMillis) {
    /** The largest window a frame can carry: 65,535 × 256 bytes; keep headroom below it. */
    public static final int MAX_RECEIVE_WINDOW = 8 << 20;

    public EngineConfig {
        if (receiveWindowBytes < 256 || receiveWindowBytes > MAX_RECEIVE_WINDOW) {
            throw new IllegalArgumentException("receive window must be 256 bytes .. 8 MiB, got " + receiveWindowBytes);
        }
        if (maxDataFrame < 1 || maxDataFrame > 0xFFFF) {
            throw new IllegalArgumentException("max data frame must be 1 .. 65535 bytes, got " + maxDataFrame);
        }
        if (ackEveryMessages < 1) {
            throw new IllegalArgumentException("ackEveryMessages must be at least 1");
        }
        if (maxUnacked < 1 || maxUnacked > 32768) {
            throw new IllegalArgumentException("maxUnacked must be 1 .. 32768, got " + maxUnacked);
        }
        if (keepaliveMillis <= 0 || deadMillis <= keepaliveMillis) {
            throw new IllegalArgumentException("need 0 < keepalive < dead interval, got keepalive "
                    + keepaliveMillis + " ms, dead " + deadMillis + " ms");
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(1 << 20, 32 * 1024, 64, 32768, 5_000, 15_000);
    }

    public EngineConfig withReceiveWindow(int bytes) {
        return new EngineConfig(bytes, maxDataFrame, ackEveryMessages, maxUnacked, keepaliveMillis, deadMillis);
    }

    public EngineConfig withTiming(long keepalive, long dead) {
        return new EngineConfig(receiveWindowBytes, maxDataFrame, ackEveryMessages, maxUnacked, keepalive, dead);
    }

    public EngineConfig withMaxDataFrame(int bytes) {
        return new EngineConfig(receiveWindowBytes, bytes, ackEveryMessages, maxUnacked, keepaliveMillis, deadMillis);
    }

    public EngineConfig withMaxUnacked(int n) {
        return new EngineConfig(receiveWindowBytes, maxDataFrame, ackEveryMessages, n, keepaliveMillis, deadMillis);
    }
}
