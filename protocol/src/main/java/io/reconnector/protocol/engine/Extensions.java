package io.reconnector.protocol.engine;

import io.reconnector.protocol.frame.Keepalive;

/**
 * How the names-and-IPv6 extension is negotiated without a seed-only peer ever receiving a
 * frame it does not know (docs/PROTOCOL.md, "Extensions"). Everything is said in seed frames:
 *
 * <ul>
 *   <li>After each handshake, while it does not know yet, the client sends a <b>hello</b> — a
 *       Keepalive on connection 0 whose window is {@link #HELLO_WINDOW} (a seed peer ignores a
 *       Keepalive's window for connection 0, §6) — and then a <b>probe</b>: Connection Closed for
 *       connection 0, which no connection ever uses (decision 5), so a seed peer acks and ignores
 *       it (§4).</li>
 *   <li>A relay that speaks the extension answers the hello at once with a hello of its own, and
 *       so before it acks the probe. A seed relay only acks the probe.</li>
 *   <li>So the client knows within one round trip: a hello first means {@link State#OFFERED};
 *       the probe's ack first means {@link State#ABSENT}. It sends the extension's frames only
 *       when offered; the relay sends none of its own, ever (the extension adds client frames and
 *       Connect Failed errnos that answer only them).</li>
 * </ul>
 */
public final class Extensions {
    /** The window of a hello Keepalive ("N6": names and IPv6). Our relay's plain keepalives carry 0 there. */
    public static final int HELLO_WINDOW = 0x4E36;

    /** What a client knows of its relay. */
    public enum State {
        /** Hello sent (or about to be), no answer yet: requests that need the extension wait. */
        UNKNOWN,
        /** The relay said hello: names and IPv6 addresses go to it. */
        OFFERED,
        /** A seed-only relay (or the extension is switched off here): the agent resolves names itself. */
        ABSENT
    }

    private Extensions() {
    }

    static Keepalive hello(int lastAssigned) {
        return new Keepalive(lastAssigned, Keepalive.NO_CONNECTION, HELLO_WINDOW);
    }

    static boolean isHello(Keepalive k) {
        return k.connectionId() == Keepalive.NO_CONNECTION && k.window() == HELLO_WINDOW;
    }
}
