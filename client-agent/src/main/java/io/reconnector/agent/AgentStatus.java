package io.reconnector.agent;

import io.reconnector.protocol.Serial16;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What {@code reconnector status} shows of a running agent, kept on the agent's event loop:
 * the link's state and since when and why, the round trip, recent resumes. The connections are
 * read from the agent when asked. Round trip: from sending a sequenced message to the Ack that
 * covers it (the relay acks within a few milliseconds of going idle, so it is an upper bound),
 * smoothed as TCP does (RFC 6298, α = 1/8).
 */
final class AgentStatus {
    /** The link, as a person would say it. */
    enum Link {
        /** Started, not attached yet. */
        CONNECTING,
        CONNECTED,
        /** Lost, trying again: for the first minute. */
        RECONNECTING,
        /** Trying for more than a minute. */
        OFFLINE
    }

    /** Resumes kept for the status, newest last. */
    static final int RESUMES_KEPT = 10;
    private static final long OFFLINE_AFTER_MILLIS = 60_000;

    private Link link = Link.CONNECTING;
    private Instant since = Instant.now();
    private String why = "starting";
    private long sessions;
    private long resumeCount;
    private final Deque<JsonObject> resumes = new ArrayDeque<>();
    private int timedId = -1;
    private long timedAt;
    private double smoothedRttMillis = -1;

    void sent(int messageId, long nowNanos) {
        if (timedId < 0) {
            timedId = messageId;
            timedAt = nowNanos;
        }
    }

    void acked(int messageId, long nowNanos) {
        if (timedId >= 0 && !Serial16.isAfter(timedId, messageId)) {
            double sample = (nowNanos - timedAt) / 1e6;
            smoothedRttMillis = smoothedRttMillis < 0 ? sample : smoothedRttMillis + (sample - smoothedRttMillis) / 8;
            timedId = -1;
        }
    }

    void connected(boolean resumed, long tookMillis, int replayed) {
        link = Link.CONNECTED;
        since = Instant.now();
        why = null;
        timedId = -1;
        if (resumed) {
            resumeCount++;
            resumes.addLast(new JsonObject().put("at", since.toString()).put("took_ms", tookMillis).put("replayed", replayed));
            if (resumes.size() > RESUMES_KEPT) {
                resumes.removeFirst();
            }
        } else {
            sessions++;
        }
    }

    /** The transport is gone, or an attempt failed: {@code why} in words. */
    void down(String reason) {
        if (link == Link.CONNECTED) {
            link = Link.RECONNECTING;
            since = Instant.now();
        } else if (link == Link.RECONNECTING && Instant.now().toEpochMilli() - since.toEpochMilli() > OFFLINE_AFTER_MILLIS) {
            link = Link.OFFLINE;
        }
        why = reason;
        timedId = -1;
    }

    Link link() {
        return link;
    }

    JsonObject toJson() {
        JsonObject j = new JsonObject().put("state", link.name().toLowerCase()).put("since", since.toString())
                .put("sessions_started", sessions).put("resumes", resumeCount)
                .put("recent_resumes", new JsonArray(java.util.List.copyOf(resumes)));
        if (why != null) {
            j.put("why", why);
        }
        if (smoothedRttMillis >= 0) {
            j.put("rtt_ms", Math.round(smoothedRttMillis * 100) / 100.0);
        }
        return j;
    }
}
