package io.reconnector.relay;

import io.reconnector.protocol.frame.IpAddress;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.Ipv6Address;

/**
 * One destination rule: an IPv4 network with an optional port range, {@code CIDR[:PORT[-PORT]]}
 * ({@code 10.0.0.0/8}, {@code 127.0.0.1:5432}); an IPv6 network, bracketed when it has ports,
 * {@code [CIDR6][:PORT[-PORT]]} ({@code fd00::/8}, {@code [::1]:22}); or {@code any}, every
 * address of both families and every port, for an operator who means it.
 *
 * @param family 4 or 6, or 0 for {@link #ANY}
 * @param high   the network's first 64 bits (IPv6), 0 for IPv4
 * @param low    the network's last 64 bits (IPv6), or its 32 bits (IPv4)
 */
public record AddressRule(int family, long high, long low, int prefix, int portLow, int portHigh) {
    public static final AddressRule ANY = new AddressRule(0, 0, 0, 0, 0, 65535);

    public static AddressRule parse(String text) {
        String s = text.trim();
        if (s.equalsIgnoreCase("any")) {
            return ANY;
        }
        try {
            String net = s;
            String ports = null;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                net = s.substring(1, close);
                String rest = s.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new IllegalArgumentException();
                    }
                    ports = rest.substring(1);
                }
            } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
                net = s.substring(0, s.indexOf(':')); // IPv4 with ports (IPv6 has two colons or more)
                ports = s.substring(s.indexOf(':') + 1);
            }
            int slash = net.indexOf('/');
            String address = slash < 0 ? net : net.substring(0, slash);
            int family = address.indexOf(':') >= 0 ? 6 : 4;
            int bits = family == 4 ? 32 : 128;
            int prefix = slash < 0 ? bits : Integer.parseInt(net.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException();
            }
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
            if (family == 4) {
                long v4 = Ipv4Address.parse(address).bits() & 0xFFFF_FFFFL;
                return new AddressRule(4, 0, v4 & mask64(prefix + 32), prefix, lo, hi);
            }
            Ipv6Address v6 = Ipv6Address.parse(address);
            return new AddressRule(6, v6.high() & mask64(prefix), v6.low() & mask64(prefix - 64), prefix, lo, hi);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a rule; write CIDR[:PORT[-PORT]] or "
                    + "[IPv6-CIDR]:PORT[-PORT], e.g. 10.0.0.0/8, 127.0.0.1:5432, 0.0.0.0/0:80-443, fd00::/8 or "
                    + "[::1]:22, or 'any'");
        }
    }

    /** The top {@code n} bits of 64 set (n clamped to 0..64). */
    private static long mask64(int n) {
        return n <= 0 ? 0 : n >= 64 ? -1L : -1L << (64 - n);
    }

    public boolean matches(IpAddress address, int port) {
        if (port < portLow || port > portHigh) {
            return false;
        }
        if (family == 0) {
            return true;
        }
        if (address instanceof Ipv4Address v4) {
            return family == 4 && ((v4.bits() & 0xFFFF_FFFFL) & mask64(prefix + 32)) == low;
        }
        Ipv6Address v6 = (Ipv6Address) address;
        return family == 6 && (v6.high() & mask64(prefix)) == high && (v6.low() & mask64(prefix - 64)) == low;
    }

    public boolean any() {
        return equals(ANY);
    }

    @Override
    public String toString() {
        if (any()) {
            return "any";
        }
        String net = (family == 4 ? new Ipv4Address((int) low).toString() : new Ipv6Address(high, low).toString())
                + "/" + prefix;
        if (portLow == 0 && portHigh == 65535) {
            return net;
        }
        String ports = portLow == portHigh ? String.valueOf(portLow) : portLow + "-" + portHigh;
        return family == 6 ? "[" + net + "]:" + ports : net + ":" + ports;
    }
}
