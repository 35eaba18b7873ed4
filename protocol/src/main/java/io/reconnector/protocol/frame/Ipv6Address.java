package io.reconnector.protocol.frame;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv6 address as the 128 bits the extension's New Connection carries, network order. */
public record Ipv6Address(long high, long low) implements IpAddress {
    public static Ipv6Address of(byte[] octets) {
        if (octets.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 octets, got " + octets.length);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (octets[i] & 0xff);
            lo = (lo << 8) | (octets[i + 8] & 0xff);
        }
        return new Ipv6Address(hi, lo);
    }

    /**
     * Parses IPv6 text such as {@code ::1} or {@code fd00::5} (no brackets, no zone, no host
     * names: only text that is an address literal, so nothing is ever looked up).
     */
    public static Ipv6Address parse(String text) {
        if (text.isEmpty() || text.indexOf(':') < 0 || text.indexOf('%') >= 0
                || !text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(text); // a literal: parsed, never resolved
            if (a instanceof Inet6Address) {
                return of(a.getAddress());
            }
            // Java turns ::ffff:a.b.c.d into its IPv4 address; keep it as the IPv6 text said.
            byte[] v4 = a.getAddress();
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(v4, 0, mapped, 12, 4);
            return of(mapped);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
    }

    @Override
    public byte[] octets() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[i + 8] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    /** The IPv4 address this one maps ({@code ::ffff:a.b.c.d}), else this address. */
    public IpAddress unmapped() {
        if (high == 0 && (low >>> 32) == 0xFFFFL) {
            return new Ipv4Address((int) low);
        }
        return this;
    }

    @Override
    public FrameType newConnectionType() {
        return FrameType.NEW_CONNECTION_IPV6;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        byte[] o = octets();
        // RFC 5952: the longest run of two or more zero groups becomes "::".
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (group(o, i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(o, j) == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(group(o, i)));
        }
        return b.toString();
    }

    private static int group(byte[] o, int i) {
        return ((o[2 * i] & 0xff) << 8) | (o[2 * i + 1] & 0xff);
    }
}
