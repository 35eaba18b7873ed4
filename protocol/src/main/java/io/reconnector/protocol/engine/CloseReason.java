package io.reconnector.protocol.engine;

/** Why an engine closes a connection's local socket, and whether that is an orderly end. */
public enum CloseReason {
    /** Both directions sent their EOF: the stream is complete. */
    BOTH_ENDED(true, "both directions ended"),
    /** The peer's Connection Closed came after its EOF: the stream is complete. */
    CLOSED_BY_PEER(true, "closed by the peer after its EOF"),
    /** The peer's Connection Closed came before its EOF: the far end failed. */
    ABORTED_BY_PEER(false, "aborted by the peer"),
    /** The session could not be resumed; its connections cannot be either. */
    SESSION_REJECTED(false, "the session was rejected"),
    /** The peer sent more than the window it was granted (PROTOCOL.md §5). */
    WINDOW_EXCEEDED(false, "the peer sent past its send limit"),
    /** The peer sent data after its own EOF (PROTOCOL.md §5). */
    DATA_AFTER_EOF(false, "the peer sent data after its EOF"),
    /** The peer sent data before the connection was open. */
    DATA_BEFORE_OPEN(false, "the peer sent data before the connection opened");

    private final boolean graceful;
    private final String description;

    CloseReason(boolean graceful, String description) {
        this.graceful = graceful;
        this.description = description;
    }

    /** True when the socket closes after writing what was delivered; false when it is reset. */
    public boolean graceful() {
        return graceful;
    }

    public String description() {
        return description;
    }
}
