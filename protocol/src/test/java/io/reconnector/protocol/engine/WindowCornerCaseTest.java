package io.reconnector.protocol.engine;

import io.reconnector.protocol.frame.Keepalive;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's corner case: a receiver closes its window to 0 ("nack and wait"), the transport
 * breaks while the update that reopens it is in flight (or while it is detached), and after
 * the resume the sender must neither wait forever nor send past its limit. Both directions.
 */
class WindowCornerCaseTest {
    private static final int WINDOW = 16 * 1024;
    private static final int TOTAL = 5 * WINDOW + 123;

    private static Buffer pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + 7);
        }
        return Buffer.buffer(b);
    }

    /** The writing side writes all it may; returns how much it wrote. */
    private static int writeWhileAllowed(Wire w, boolean writer, int id, Buffer all, int from) {
        int pos = from;
        while (pos < all.length() && w.reading(writer, id)) {
            int n = Math.min(1000, all.length() - pos);
            w.apply(writer, w.engine(writer).write(id, all.getBuffer(pos, pos + n)));
            pos += n;
        }
        return pos;
    }

    /** The reader's application reads nothing while the writer writes all it may: the window closes. */
    private static int fillTheWindow(Wire w, boolean writer, int id, Buffer all) {
        int pos = writeWhileAllowed(w, writer, id, all, 0);
        w.settle();
        pos = writeWhileAllowed(w, writer, id, all, pos);
        w.settle();
        assertEquals(0, w.engine(writer).sendRoom(id), "window closed to 0");
        return pos;
    }

    @ParameterizedTest(name = "writer is the client: {0}")
    @ValueSource(booleans = {true, false})
    void updateLostInTheCutIsReAdvertisedAfterResume(boolean clientWrites) {
        Wire w = new Wire(EngineConfig.serverDefaults().withReceiveWindow(WINDOW).withMaxDataFrame(1024));
        int id = w.establishWithConnection();
        boolean reader = !clientWrites;
        Buffer all = pattern(TOTAL);

        // The reader's application stops reading: the writer fills the window and must stop.
        int pos = fillTheWindow(w, clientWrites, id, all);
        assertFalse(w.reading(clientWrites, id), "the writer is paused at its limit");
        assertTrue(w.received(reader, id).length() <= WINDOW, "the reader holds no more than its window");

        // The reader's application takes everything; the window update is in flight when the link breaks.
        int held = w.received(reader, id).length();
        w.apply(reader, w.engine(reader).consumed(id, held));
        assertTrue(w.link.inFlight() > 0, "a window update is on its way");
        w.link.cut();

        java.util.List<Effect> readerEffects = clientWrites ? w.serverEffects : w.clientEffects;
        int mark = readerEffects.size();
        w.link.connect();
        w.settle();
        assertTrue(w.reading(clientWrites, id), "after the resume the writer may send again");
        assertTrue(readerEffects.subList(mark, readerEffects.size()).stream().anyMatch(e -> e instanceof Effect.Send s
                        && s.frame() instanceof Keepalive k && k.connectionId() == id && k.window() > 0),
                "the reader re-advertised its window in a Keepalive after the resume");

        pumpToTheEnd(w, clientWrites, id, all, pos);
    }

    @ParameterizedTest(name = "writer is the client: {0}")
    @ValueSource(booleans = {true, false})
    void windowReopenedWhileDetachedIsAdvertisedOnResume(boolean clientWrites) {
        Wire w = new Wire(EngineConfig.serverDefaults().withReceiveWindow(WINDOW).withMaxDataFrame(1024));
        int id = w.establishWithConnection();
        boolean reader = !clientWrites;
        Buffer all = pattern(TOTAL);
        int pos = fillTheWindow(w, clientWrites, id, all);

        w.link.cut();
        int held = w.received(reader, id).length();
        w.apply(reader, w.engine(reader).consumed(id, held)); // reading resumes with no transport
        w.link.connect();
        w.settle();
        assertTrue(w.engine(clientWrites).sendRoom(id) > 0, "the resume re-advertised the open window");
        pumpToTheEnd(w, clientWrites, id, all, pos);
    }

    /** The reader consumes as it receives; every byte arrives once, in order, within limits. */
    private static void pumpToTheEnd(Wire w, boolean writer, int id, Buffer all, int pos) {
        boolean reader = !writer;
        int consumed = w.received(reader, id).length() - (int) w.engine(reader).unconsumedBytes(id);
        for (int round = 0; round < 10_000 && w.received(reader, id).length() < all.length(); round++) {
            pos = writeWhileAllowed(w, writer, id, all, pos);
            w.settle();
            assertTrue(w.engine(writer).sendRoom(id) >= 0, "never past the limit");
            assertTrue(w.engine(reader).unconsumedBytes(id) <= WINDOW + 256);
            int have = w.received(reader, id).length();
            if (have > consumed) {
                w.apply(reader, w.engine(reader).consumed(id, have - consumed));
                consumed = have;
            }
            w.settle();
        }
        assertTrue(Arrays.equals(all.getBytes(), w.received(reader, id).getBytes()), "all bytes, once, in order");
        assertTrue(w.effects(reader, Effect.CloseConnection.class).isEmpty(), "no connection was closed");
    }
}
