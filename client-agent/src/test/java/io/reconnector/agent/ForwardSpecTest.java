package io.reconnector.agent;

import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.Ipv6Address;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardSpecTest {
    @Test
    void bindsLoopbackUnlessTold() {
        assertEquals(new ForwardSpec("127.0.0.1", 5432, Ipv4Address.parse("10.0.0.5"), 5432),
                ForwardSpec.parse("5432:10.0.0.5:5432"));
        assertEquals(new ForwardSpec("0.0.0.0", 8080, Ipv4Address.parse("10.0.0.7"), 80),
                ForwardSpec.parse("0.0.0.0:8080:10.0.0.7:80"));
    }

    @Test
    void targetsMayBeNamesOrIpv6InBrackets() {
        assertEquals(new ForwardSpec("127.0.0.1", 5432, new HostName("db.internal"), 5432),
                ForwardSpec.parse("5432:db.internal:5432"));
        ForwardSpec v6 = ForwardSpec.parse("[::1]:2222:[fd00::7]:22");
        assertEquals(new ForwardSpec("::1", 2222, Ipv6Address.parse("fd00::7"), 22), v6);
        assertEquals("[fd00::7]", v6.targetText());
    }

    @Test
    void badSpecsSayHowToWriteThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("8080"));
        assertTrue(e.getMessage().contains("[BIND:]LPORT:TARGET:RPORT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("8080:db local:5432"));
        assertTrue(e.getMessage().contains("not a host name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("70000:1.2.3.4:80"));
        assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("8080:fd00::7:22"), "IPv6 needs brackets");
    }
}
