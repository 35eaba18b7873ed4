package io.reconnector.relay;

import io.reconnector.store.SessionKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One routing per session at a time; the others wait for it, and go on when it is done. */
class ArrivalsTest {
    private final Arrivals arrivals = new Arrivals();
    private final SessionKey one = SessionKey.anonymous(1);
    private final SessionKey two = SessionKey.anonymous(2);
    private final List<String> ran = new ArrayList<>();

    @Test
    void theFirstClaimRoutesAndTheNextWaitForItsRelease() {
        assertTrue(arrivals.claim(one, () -> ran.add("unexpected")), "nobody routes session 1: claimed");
        assertFalse(arrivals.claim(one, () -> ran.add("second")), "session 1 is being routed: wait");
        assertFalse(arrivals.claim(one, () -> ran.add("third")));
        assertTrue(arrivals.claim(two, () -> ran.add("unexpected")), "another session is not held up");
        assertEquals(2, arrivals.waiting());
        assertEquals(List.of(), ran, "nothing runs before the routing is done");

        arrivals.release(one);
        assertEquals(List.of("second", "third"), ran, "the waiters go on, in the order they came");
        assertEquals(0, arrivals.waiting());
        assertTrue(arrivals.claim(one, () -> ran.add("unexpected")), "and session 1 can be claimed again");
    }

    @Test
    void releasingWhatWasNotClaimedIsABug() {
        assertThrows(IllegalStateException.class, () -> arrivals.release(one));
    }
}
