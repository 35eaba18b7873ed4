package io.reconnector.relay;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.engine.SessionSnapshot;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.SequencedFrame;
import io.reconnector.store.ConnectionRecord;
import io.reconnector.store.SessionRecord;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** Between a session record (what the cluster stores) and an engine snapshot (what an engine restores). */
final class RecordCodec {
    private RecordCodec() {
    }

    static SessionSnapshot snapshot(SessionRecord r) {
        List<SequencedFrame> unacked = new ArrayList<>();
        FrameDecoder decoder = new FrameDecoder();
        for (byte[] bytes : r.unackedServerFrames()) {
            // One whole frame per array: its payload is a view of that array, which is ours and
            // nobody reuses, so the frame may be kept past the decoder's call without a copy.
            try {
                decoder.feed(Buffer.buffer(bytes), f -> unacked.add((SequencedFrame) f));
                if (decoder.buffered() > 0) {
                    throw new ProtocolException(ProtocolViolation.MALFORMED, "a stored frame is cut short");
                }
            } catch (ProtocolException | ClassCastException e) {
                throw new IllegalStateException("session " + r.clientId() + " has a corrupt record", e);
            }
        }
        List<Integer> ids = new ArrayList<>();
        for (ConnectionRecord c : r.connections()) {
            ids.add(c.id());
        }
        return new SessionSnapshot(r.lastClientHandled(), r.nextServerId(), unacked, ids);
    }

    /**
     * The unacked frames as the record keeps them: every frame, but a Data frame's payload is
     * not replicated — a placeholder (Connection EOF on connection 0, which no connection ever
     * uses, so a client acks and ignores it) keeps its message id. Replaying the payload after a
     * failover could never help: every connection of a session whose home is lost is closed (its
     * socket died with the home). Copying it on every record write is what let a client that
     * stops acking multiply a relay's memory (docs/PROTOCOL.md, decision 20).
     */
    static List<byte[]> frames(List<SequencedFrame> frames) {
        List<byte[]> out = new ArrayList<>(frames.size());
        for (SequencedFrame f : frames) {
            SequencedFrame kept = f instanceof Data ? new ConnectionEof(f.messageId(), NO_CONNECTION) : f;
            out.add(kept.encode().getBytes());
        }
        return out;
    }

    /** The connection id nobody uses (Keepalive's "no connection"). */
    private static final int NO_CONNECTION = io.reconnector.protocol.frame.Keepalive.NO_CONNECTION;
}
