package io.reconnector.edge;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsingTest {
    @Test
    void durations() {
        assertEquals(Duration.ofNanos(100_000), Durations.parse("100us"));
        assertEquals(Duration.ZERO, Durations.parse("0us"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 sec"));
        assertTrue(e.getMessage().contains("500ms, 5s, 15m"), e.getMessage());
        assertEquals("15m", Durations.format(Duration.ofMinutes(15)));
        assertEquals("100us", Durations.format(Duration.ofNanos(100_000)));
        assertEquals("2ms", Durations.format(Duration.ofMillis(2)));
    }

    @Test
    void hostPorts() {
        assertEquals(new HostPort("127.0.0.1", 7000), HostPort.parse("127.0.0.1:7000"));
        assertEquals(new HostPort("::1", 7000), HostPort.parse("[::1]:7000"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("7000"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:port"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:70000"));
    }
}
