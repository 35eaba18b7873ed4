package io.reconnector.protocol.frame;

/** An IPv4 address as the 32 bits the wire carries, network order. */
public record Ipv4Address(int bits) implements IpAddress {

    public static Ipv4Address of(byte[] octets) {
        if (octets.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 octets, got " + octets.length);
        }
        return new Ipv4Address(((octets[0] & 0xff) << 24) | ((octets[1] & 0xff) << 16)
                | ((octets[2] & 0xff) << 8) | (octets[3] & 0xff));
    }

    /** Parses dotted-quad text such as {@code 10.1.2.3}; nothing else (no host names). */
    public static Ipv4Address parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "' (expected a.b.c.d)");
        }
        byte[] octets = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            if (v < 0 || v > 255 || parts[i].isEmpty() || parts[i].length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "' (octet out of range)");
            }
            octets[i] = (byte) v;
        }
        return of(octets);
    }

    @Override
    public FrameType newConnectionType() {
        return FrameType.NEW_CONNECTION;
    }

    @Override
    public byte[] octets() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
