package io.reconnector.relay;

import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the nonces of proofs seen within their time window, so a captured hop header or
 * control message cannot be played again: a proof counts once, and only while its timestamp
 * is within {@code windowMillis} of now. Only holders of the cluster secret can make proofs,
 * so the cache grows with real traffic only; it is bounded anyway, and refuses when full.
 */
final class ReplayGuard {
    static final long WINDOW_MILLIS = 60_000;
    static final int MAX_REMEMBERED = 100_000;

    private final long windowMillis;
    private final int max;
    /** Nonce → when it may be forgotten, in insertion order (which is nearly expiry order). */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    ReplayGuard() {
        this(WINDOW_MILLIS, MAX_REMEMBERED);
    }

    ReplayGuard(long windowMillis, int max) {
        this.windowMillis = windowMillis;
        this.max = max;
    }

    /** Why a proof was not accepted. */
    enum Verdict {
        FRESH,
        STALE,
        REPLAYED,
        /** Too many proofs within the window to remember one more: refused rather than forgotten. */
        FULL
    }

    synchronized Verdict check(byte[] nonce, long timestamp, long now) {
        if (Math.abs(now - timestamp) > windowMillis) {
            return Verdict.STALE;
        }
        forgetExpired(now);
        String k = HexFormat.of().formatHex(nonce);
        if (seen.containsKey(k)) {
            return Verdict.REPLAYED;
        }
        if (seen.size() >= max) {
            return Verdict.FULL;
        }
        // Kept until no clock within the window could accept this timestamp again.
        seen.put(k, timestamp + 2 * windowMillis);
        return Verdict.FRESH;
    }

    private void forgetExpired(long now) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() > now) {
                break;
            }
            it.remove();
        }
    }

    synchronized int size() {
        return seen.size();
    }
}
