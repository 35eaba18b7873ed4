package io.reconnector.protocol.frame;

/**
 * Where a New Connection asks the relay to connect: an IPv4 address (the seed protocol's only
 * kind), or — with the names-and-IPv6 extension negotiated (docs/PROTOCOL.md, "Extensions") — an
 * IPv6 address or a host name the relay resolves.
 */
public sealed interface Destination permits IpAddress, HostName {
    /** The frame type that carries a New Connection to this kind of destination. */
    FrameType newConnectionType();

    /** Whether only a peer that accepted the extension may be sent this kind. */
    default boolean needsExtension() {
        return newConnectionType() != FrameType.NEW_CONNECTION;
    }

    /**
     * Reads text as an address literal ({@code 10.1.2.3}, {@code ::1}, {@code [::1]}) or else as a
     * host name; throws IllegalArgumentException when it is neither.
     */
    static Destination parse(String text) {
        if (text.startsWith("[") && text.endsWith("]")) {
            return Ipv6Address.parse(text.substring(1, text.length() - 1));
        }
        if (text.indexOf(':') >= 0) {
            return Ipv6Address.parse(text);
        }
        if (isIpv4Literal(text)) {
            return Ipv4Address.parse(text);
        }
        return new HostName(text);
    }

    /** Only a whole dotted quad is an address: a name like {@code 1.2.3.example} stays a name. */
    private static boolean isIpv4Literal(String text) {
        try {
            Ipv4Address.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
