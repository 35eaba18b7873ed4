package io.reconnector.agent;

import io.reconnector.protocol.frame.Destination;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed forward, {@code [BIND:]LPORT:TARGET:RPORT}, like ssh -L. Binds 127.0.0.1 unless told.
 * The target is an IPv4 address, an IPv6 address in brackets, or a name the relay resolves
 * (with a relay that speaks the names extension; the agent resolves it otherwise).
 */
public record ForwardSpec(String bind, int localPort, Destination target, int targetPort) {
    private static final String HOW = "write [BIND:]LPORT:TARGET:RPORT, e.g. 5432:10.0.0.5:5432, "
            + "5432:db.internal:5432, 2222:[fd00::7]:22 or 0.0.0.0:8080:10.0.0.7:80";

    public static ForwardSpec parse(String text) {
        List<String> p = fields(text);
        if (p.size() != 3 && p.size() != 4) {
            throw new IllegalArgumentException("'" + text + "' is not a forward; " + HOW);
        }
        int o = p.size() - 3;
        String bind = o == 1 ? unbracket(p.get(0)) : "127.0.0.1";
        try {
            return new ForwardSpec(bind, port(p.get(o)), Destination.parse(p.get(o + 1)), port(p.get(o + 2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage() + "; " + HOW);
        }
    }

    /** Splits on colons outside brackets, so {@code [::1]} stays one field. */
    private static List<String> fields(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder field = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            if (c == ':' && depth == 0) {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }

    private static String unbracket(String s) {
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }

    private static int port(String s) {
        try {
            int v = Integer.parseInt(s);
            if (v >= 0 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw new IllegalArgumentException("'" + s + "' is not a port 0-65535");
    }

    /** The target as written in a forward: IPv6 in brackets. */
    public String targetText() {
        String t = target.toString();
        return t.indexOf(':') >= 0 ? "[" + t + "]" : t;
    }

    @Override
    public String toString() {
        return bind + ":" + localPort + " -> " + targetText() + ":" + targetPort;
    }
}
