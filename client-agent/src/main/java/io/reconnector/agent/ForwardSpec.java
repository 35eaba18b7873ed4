package io.reconnector.agent;

import io.reconnector.protocol.frame.Ipv4Address;

/** A fixed forward, {@code [BIND:]LPORT:IP:RPORT}, like ssh -L. Binds 127.0.0.1 unless told. */
public record ForwardSpec(String bind, int localPort, Ipv4Address target, int targetPort) {

    public static ForwardSpec parse(String text) {
        String[] p = text.split(":");
        if (p.length != 3 && p.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not a forward; write [BIND:]LPORT:IP:RPORT, "
                    + "e.g. 5432:10.0.0.5:5432 or 0.0.0.0:8080:10.0.0.7:80");
        }
        int o = p.length - 3;
        String bind = o == 1 ? p[0] : "127.0.0.1";
        try {
            return new ForwardSpec(bind, port(p[o], text), Ipv4Address.parse(p[o + 1]), port(p[o + 2], text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage()
                    + "; write [BIND:]LPORT:IP:RPORT with an IPv4 target");
        }
    }

    private static int port(String s, String whole) {
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

    @Override
    public String toString() {
        return bind + ":" + localPort + " -> " + target + ":" + targetPort;
    }
}
