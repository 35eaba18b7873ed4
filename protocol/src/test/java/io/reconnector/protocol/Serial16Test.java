package io.reconnector.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Serial16Test {

    @Test
    void nextWrapsFromFfffToZero() {
        assertEquals(0x0000, Serial16.next(0xFFFF));
        assertEquals(0x0001, Serial16.add(0xFFFF, 2));
        assertEquals(0xFFFE, Serial16.add(0x0001, -3));
    }

    @Test
    void idsAfterTheWrapAreLater() {
        assertTrue(Serial16.isAfter(0x0002, 0xFFFE));
        assertFalse(Serial16.isAfter(0xFFFE, 0x0002));
        assertEquals(4, Serial16.distance(0xFFFE, 0x0002));
        assertEquals(-4, Serial16.distance(0x0002, 0xFFFE));
    }

    @Test
    void noneIsJustBeforeTheFirstId() {
        assertTrue(Serial16.isAfter(0x0000, Serial16.NONE));
        assertEquals(1, Serial16.distance(Serial16.NONE, 0));
    }

    @Test
    void anIdIsNotAfterItself() {
        assertFalse(Serial16.isAfter(0x1234, 0x1234));
        assertTrue(Serial16.isAtOrBefore(0x1234, 0x1234));
    }

    @Test
    void halfTheSpaceApartIsTheLimitOfComparison() {
        // RFC 1982 leaves exactly 2^15 apart undefined; the protocol never lets it matter.
        assertEquals(32767, Serial16.distance(0, 0x7FFF));
        assertTrue(Serial16.isAfter(0x7FFF, 0));
        assertFalse(Serial16.isAfter(0x8000, 0));
        assertFalse(Serial16.isAfter(0, 0x8000));
    }

    @Test
    void everyIdIsAfterItsPredecessorAllTheWayRound() {
        int id = 0xFF00;
        for (int i = 0; i < 70_000; i++) {
            int next = Serial16.next(id);
            assertTrue(Serial16.isAfter(next, id), () -> "next of " + Integer.toHexString(0));
            assertEquals(1, Serial16.distance(id, next));
            id = next;
        }
    }
}
