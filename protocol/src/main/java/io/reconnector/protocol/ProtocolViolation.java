package io.reconnector.protocol;

/** The kinds of protocol error of PROTOCOL.md §7; each closes the transport it came on. */
public enum ProtocolViolation {
    UNKNOWN_CODE("unknown code"),
    ID_GAP("message id skips ahead"),
    ACK_OF_UNSENT("ack of a message id never sent"),
    BEFORE_HANDSHAKE("frame before the session handshake"),
    SECOND_HANDSHAKE("second session handshake on one transport"),
    CONNECTION_IN_USE("new connection for an id still open"),
    WRONG_DIRECTION("frame only the other side may send"),
    /** A handshake answer that does not match the request, or a Reconnect behind the client's own acks. */
    BAD_HANDSHAKE("handshake does not match the session"),
    /** A frame whose fields cannot be what they claim (an extension's host name that is not one). */
    MALFORMED("malformed field");

    private final String description;

    ProtocolViolation(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
