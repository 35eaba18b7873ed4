package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.StartSession;

/**
 * What the first frame a client sends on a transport asks of the server (PROTOCOL.md §3):
 * a new session or the resumption of one. Anything else first is a protocol error.
 */
public record ResumeHandshake(long clientId, boolean resume, int clientLastAcked) {

    public static ResumeHandshake of(Frame first) throws ProtocolException {
        if (first instanceof StartSession s) {
            return new ResumeHandshake(s.clientId(), false, Serial16.NONE);
        }
        if (first instanceof ReconnectSession r) {
            return new ResumeHandshake(r.clientId(), true, r.lastAcked());
        }
        throw new ProtocolException(ProtocolViolation.BEFORE_HANDSHAKE,
                "the first frame must be Start or Reconnect Session, got " + first);
    }
}
