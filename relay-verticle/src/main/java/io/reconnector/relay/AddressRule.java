package io.reconnector.relay;

import io.reconnector.protocol.frame.Ipv4Address;

/**
 * One destination rule, {@code CIDR[:PORT[-PORT]]}: an IPv4 network and a port range; or
 * {@code any}, every address and port, for an operator who means it.
 */
public record AddressRule(int network, int prefix, int portLow, int portHigh) {
    public static final AddressRule ANY = new AddressRule(0, 0, 0, 65535);

    public static AddressRule parse(String text) {
        String s = text.trim();
        if (s.equalsIgnoreCase("any")) {
            return ANY;
        }
        String ports = null;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            ports = s.substring(colon + 1);
            s = s.substring(0, colon);
        }
        int prefix = 32;
        int slash = s.indexOf('/');
        try {
            if (slash >= 0) {
                prefix = Integer.parseInt(s.substring(slash + 1));
                s = s.substring(0, slash);
            }
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException();
            }
            int bits = Ipv4Address.parse(s).bits();
            int lo = 0;
            int hi = 65535;
            if (ports != null) {
                int dash = ports.indexOf('-');
                lo = Integer.parseInt(dash < 0 ? ports : ports.substring(0, dash));
                hi = dash < 0 ? lo : Integer.parseInt(ports.substring(dash + 1));
                if (lo < 0 || hi > 65535 || lo > hi) {
                    throw new IllegalArgumentException();
                }
            }
            return new AddressRule(bits & mask(prefix), prefix, lo, hi);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a rule; write CIDR[:PORT[-PORT]], "
                    + "e.g. 10.0.0.0/8, 127.0.0.1:5432 or 0.0.0.0/0:80-443, or 'any'");
        }
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public boolean matches(Ipv4Address address, int port) {
        return (address.bits() & mask(prefix)) == network && port >= portLow && port <= portHigh;
    }

    public boolean any() {
        return equals(ANY);
    }

    @Override
    public String toString() {
        if (any()) {
            return "any";
        }
        String net = new Ipv4Address(network) + "/" + prefix;
        if (portLow == 0 && portHigh == 65535) {
            return net;
        }
        return net + ":" + (portLow == portHigh ? String.valueOf(portLow) : portLow + "-" + portHigh);
    }
}
