package io.reconnector.agent;

import io.reconnector.protocol.frame.Ipv4Address;
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
    void badSpecsSayHowToWriteThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("8080"));
        assertTrue(e.getMessage().contains("[BIND:]LPORT:IP:RPORT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("8080:db.local:5432"));
        assertTrue(e.getMessage().contains("IPv4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("70000:1.2.3.4:80"));
    }
}
