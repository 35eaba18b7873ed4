package io.reconnector.protocol.frame;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP address a relay may dial: IPv4, or IPv6 through the extension. */
public sealed interface IpAddress extends Destination permits Ipv4Address, Ipv6Address {
    /** The address in network order: 4 or 16 bytes. */
    byte[] octets();

    /** As the JDK's type, with no lookup. */
    default InetAddress inet() {
        try {
            return InetAddress.getByAddress(octets());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 octets are always an address", e);
        }
    }

    /** From the JDK's type; an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is the IPv4 address it maps. */
    static IpAddress of(InetAddress a) {
        if (a instanceof Inet4Address) {
            return Ipv4Address.of(a.getAddress());
        }
        if (a instanceof Inet6Address) {
            return Ipv6Address.of(a.getAddress()).unmapped();
        }
        throw new IllegalArgumentException("neither IPv4 nor IPv6: " + a);
    }
}
