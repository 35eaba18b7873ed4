package io.reconnector.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WakeDetectorTest {
    private static final long MS = 1_000_000;

    @Test
    void regularTicksAndShortPausesAreNotSleeps() {
        WakeDetector d = new WakeDetector(7000);
        assertEquals(0, d.tick(1000, 0));
        assertEquals(0, d.tick(1250, 250 * MS));
        assertEquals(0, d.tick(3000, 2000 * MS), "a 1.75 s GC pause is not a sleep (threshold 3.5 s)");
    }

    @Test
    void aSuspendSeenOnlyByTheWallClockIsASleep() {
        WakeDetector d = new WakeDetector(7000);
        d.tick(1000, 0);
        // Linux's monotonic clock stood still while the laptop slept for a minute.
        assertEquals(60_250, d.tick(61_250, 250 * MS));
    }

    @Test
    void aStoppedProcessSeesBothClocksJump() {
        WakeDetector d = new WakeDetector(7000);
        d.tick(1000, 0);
        assertEquals(4000, d.tick(5000, 4000 * MS));
    }

    @Test
    void aShortDeadIntervalStillNeedsTwoSecondsOfSilence() {
        WakeDetector d = new WakeDetector(1000);
        d.tick(0, 0);
        assertEquals(0, d.tick(1500, 1500 * MS));
        assertEquals(2000, d.tick(3500, 3500 * MS));
    }
}
