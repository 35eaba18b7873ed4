package io.reconnector.store;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every SessionStore must do; each implementation runs these same tests. */
abstract class SessionStoreContract {

    protected abstract SessionStore store();

    /** Sessions unique per test so stores shared across tests do not interfere. */
    private static long nextId = 1000;

    protected static SessionKey newKey() {
        return new SessionKey("alice", nextId++);
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnknownSessionIsAbsent() throws Exception {
        assertEquals(Optional.empty(), await(store().get(newKey())));
        SessionKey id = newKey();
        assertFalse(await(store().replace(1, SessionRecord.started(id, 2, "n1", 0))), "nothing to replace");
        assertEquals(Optional.empty(), await(store().get(id)));
    }

    @Test
    void startCreatesAFreshAttachedRecord() throws Exception {
        SessionKey id = newKey();
        SessionStore.Started s = await(store().start(id, "n1", 5));
        assertEquals(Optional.empty(), s.previous());
        SessionRecord r = s.record();
        assertEquals(id, r.key());
        assertEquals("n1", r.homeNode());
        assertTrue(r.attached());
        assertEquals(io.reconnector.protocol.Serial16.NONE, r.lastClientHandled());
        assertEquals(0, r.nextServerId());
        assertEquals(Optional.of(r).map(SessionRecord::epoch), await(store().get(id)).map(SessionRecord::epoch));
    }

    @Test
    void startAgainReplacesTheOldSessionWithAHigherEpoch() throws Exception {
        SessionKey id = newKey();
        SessionRecord first = await(store().start(id, "n1", 1)).record();
        SessionStore.Started again = await(store().start(id, "n2", 2));
        assertEquals(new SessionStore.Previous("n1", first.epoch()), again.previous().orElseThrow());
        assertTrue(again.record().epoch() > first.epoch());
        assertEquals("n2", await(store().get(id)).orElseThrow().homeNode());
    }

    @Test
    void updatesAreFencedByEpoch() throws Exception {
        SessionKey id = newKey();
        SessionRecord r = await(store().start(id, "n1", 1)).record();
        SessionRecord progressed = r.withProgress(41, 77,
                List.of(new ConnectionRecord(3, "127.0.0.1", 80, "n1", ConnectionRecord.State.DIALLING)),
                List.of(new byte[] {0x13, 0, 76, 0, 3}));
        assertTrue(await(store().update(progressed)));
        SessionRecord stored = await(store().get(id)).orElseThrow();
        assertEquals(41, stored.lastClientHandled());
        assertEquals(77, stored.nextServerId());
        assertEquals(ConnectionRecord.State.DIALLING, stored.connections().get(0).state());
        assertArrayEquals(new byte[] {0x13, 0, 76, 0, 3}, stored.unackedServerFrames().get(0));

        SessionRecord claimed = stored.withEpoch(stored.epoch() + 1, "n2");
        assertTrue(await(store().replace(stored.epoch(), claimed)), "a takeover from the epoch read");
        assertFalse(await(store().replace(stored.epoch(), stored.withEpoch(stored.epoch() + 1, "n3"))),
                "a second takeover from the same old epoch loses the race");
        assertEquals("n2", await(store().get(id)).orElseThrow().homeNode());
        assertEquals(41, await(store().get(id)).orElseThrow().lastClientHandled(), "a takeover keeps the progress");
        assertFalse(await(store().update(progressed.withProgress(50, 80, List.of(), List.of()))),
                "the old owner is fenced off");
        assertEquals(41, await(store().get(id)).orElseThrow().lastClientHandled());
    }

    @Test
    void twoIdentitiesWithOneClientIdHaveTwoSessionsThatNeverTouch() throws Exception {
        SessionKey alice = newKey();
        SessionKey mallory = new SessionKey("mallory", alice.clientId());
        SessionRecord a = await(store().start(alice, "n1", 1)).record();
        assertEquals(Optional.empty(), await(store().get(mallory)), "alice's session is not mallory's");
        SessionStore.Started m = await(store().start(mallory, "n2", 2));
        assertEquals(Optional.empty(), m.previous(), "mallory's Start replaced nothing of alice's");
        assertEquals(a.epoch(), await(store().get(alice)).orElseThrow().epoch(), "alice's session is untouched");
        assertFalse(await(store().remove(mallory, a.epoch() + 7)));
        assertTrue(await(store().remove(mallory, m.record().epoch())));
        assertTrue(await(store().get(alice)).isPresent(), "removing mallory's left alice's");
    }

    @Test
    void sessionsAreCountedPerIdentity() throws Exception {
        String who = "counted-" + newKey().clientId();
        for (long id = 1; id <= 3; id++) {
            await(store().start(new SessionKey(who, id), "n1", 1));
        }
        await(store().start(new SessionKey(who + "-other", 1), "n1", 1));
        assertEquals(3, await(store().countSessions(who, 99)));
        assertEquals(2, await(store().countSessions(who, 2)), "not counting the one being replaced");
        assertEquals(0, await(store().countSessions("nobody", 0)));
    }

    @Test
    void removeNeedsTheCurrentEpoch() throws Exception {
        SessionKey id = newKey();
        SessionRecord r = await(store().start(id, "n1", 1)).record();
        assertFalse(await(store().remove(id, r.epoch() - 1)));
        assertTrue(await(store().get(id)).isPresent());
        assertTrue(await(store().remove(id, r.epoch())));
        assertEquals(Optional.empty(), await(store().get(id)));
    }
}
