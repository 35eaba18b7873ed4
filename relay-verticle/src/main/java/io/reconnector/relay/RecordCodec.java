package io.reconnector.relay;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.engine.SessionSnapshot;
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
            try {
                decoder.feed(Buffer.buffer(bytes), f -> unacked.add((SequencedFrame) f));
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

    static List<byte[]> frames(List<SequencedFrame> frames) {
        List<byte[]> out = new ArrayList<>(frames.size());
        for (SequencedFrame f : frames) {
            out.add(f.encode().getBytes());
        }
        return out;
    }
}
