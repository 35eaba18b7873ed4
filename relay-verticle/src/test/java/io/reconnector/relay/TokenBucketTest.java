package io.reconnector.relay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {
    private static int takes(TokenBucket b, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            n += b.take(now) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aBurstOfTheRateThenTheRateItself() {
        TokenBucket b = new TokenBucket(100, 0);
        assertEquals(100, takes(b, 0, 1000), "a burst of 100 at once");
        assertFalse(b.take(0));
        assertEquals(10, takes(b, 100, 1000), "100 ms later: 10 more");
        assertEquals(100, takes(b, 10_000, 1000), "never more than the burst, however long the pause");
    }

    @Test
    void aClockThatGoesBackwardsGivesNothing() {
        TokenBucket b = new TokenBucket(10, 1000);
        takes(b, 1000, 10);
        assertFalse(b.take(500));
        assertTrue(b.take(1100));
    }
}
