package io.reconnector.protocol;

/** A peer broke the protocol; the transport it came on must be closed, the session kept. */
public final class ProtocolException extends Exception {
    private final ProtocolViolation violation;

    public ProtocolException(ProtocolViolation violation, String detail) {
        super(violation.description() + ": " + detail);
        this.violation = violation;
    }

    public ProtocolViolation violation() {
        return violation;
    }
}
