package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.frame.Data;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An in-memory transport between a client engine and the server side (a tiny relay that
 * keeps one server engine per client id), which can be cut at any point: a cut drops
 * everything in flight both ways, as a broken TCP connection does. Every frame crosses as
 * bytes through the real codec. The test decides when frames move, so interleavings are
 * reproducible from a seed.
 */
final class LossyLink {
    final EngineConfig config;
    final ClientSessionEngine client;
    ServerSessionEngine server;
    private final ArrayDeque<Frame> toServer = new ArrayDeque<>();
    private final ArrayDeque<Frame> toClient = new ArrayDeque<>();
    private boolean up;
    private boolean serverAwaitsHandshake;
    private FrameDecoder serverDecoder;
    private FrameDecoder clientDecoder;
    private final Consumer<List<Effect>> clientEffects;
    private final Consumer<List<Effect>> serverEffects;
    long now;
    int cuts;
    /** What the test observed; a test fails on any protocol error unless it expects them. */
    final List<Effect.ProtocolError> protocolErrors = new ArrayList<>();

    LossyLink(EngineConfig config, long clientId, Consumer<List<Effect>> clientEffects,
              Consumer<List<Effect>> serverEffects) {
        this.config = config;
        this.client = new ClientSessionEngine(clientId, config);
        this.clientEffects = clientEffects;
        this.serverEffects = serverEffects;
    }

    boolean up() {
        return up;
    }

    int inFlight() {
        return toServer.size() + toClient.size();
    }

    /** Opens a new transport and has the client send its handshake. */
    void connect() {
        up = true;
        serverAwaitsHandshake = true;
        serverDecoder = new FrameDecoder();
        clientDecoder = new FrameDecoder();
        clientEffects.accept(client.attach(now));
    }

    /** The transport breaks: everything in flight is lost, both ends notice. */
    void cut() {
        if (!up) {
            return;
        }
        cuts++;
        up = false;
        dropAll(toServer);
        dropAll(toClient);
        clientEffects.accept(client.transportLost());
        if (server != null) {
            serverEffects.accept(server.transportLost());
        }
    }

    /** Queues frames an engine sent; the edges call this for every Send effect. */
    void clientSent(Frame f) {
        if (up) {
            toServer.add(held(f));
        }
    }

    void serverSent(Frame f) {
        if (up) {
            toClient.add(held(f));
        }
    }

    /**
     * A frame in flight holds its payload, as a write in a socket's queue does: the sender may
     * release its own reference (an ack through a newer transport) while this one still waits.
     */
    private static Frame held(Frame f) {
        return f instanceof Data d ? new Data(d.messageId(), d.connectionId(), d.window(), Payloads.retain(d.payload())) : f;
    }

    private static void drop(Frame f) {
        if (f instanceof Data d) {
            Payloads.release(d.payload());
        }
    }

    private static void dropAll(ArrayDeque<Frame> queue) {
        Frame f;
        while ((f = queue.poll()) != null) {
            drop(f);
        }
    }

    /** Moves up to {@code n} frames to the server, then lets it flush its acks. */
    int deliverToServer(int n) {
        int moved = 0;
        while (up && moved < n && !toServer.isEmpty()) {
            Frame f = roundTrip(toServer.poll(), serverDecoder);
            moved++;
            if (serverAwaitsHandshake) {
                serverAwaitsHandshake = false;
                handshake(f);
            } else {
                serverEffects.accept(server.receive(f));
            }
        }
        if (moved > 0 && up && server != null) {
            serverEffects.accept(server.flush());
        }
        return moved;
    }

    int deliverToClient(int n) {
        int moved = 0;
        while (up && moved < n && !toClient.isEmpty()) {
            clientEffects.accept(client.receive(roundTrip(toClient.poll(), clientDecoder)));
            moved++;
        }
        if (moved > 0 && up) {
            clientEffects.accept(client.flush());
        }
        return moved;
    }

    private void handshake(Frame first) {
        ResumeHandshake h;
        try {
            h = ResumeHandshake.of(first);
        } catch (ProtocolException e) {
            protocolErrors.add(new Effect.ProtocolError(e));
            cut();
            return;
        }
        if (!h.resume()) {
            server = new ServerSessionEngine(h.clientId(), config);
            serverEffects.accept(server.start(now));
        } else if (server != null && server.clientId() == h.clientId()) {
            serverEffects.accept(server.resume(h.clientLastAcked(), now));
        } else {
            serverSent(new SessionRejected(h.clientId()));
        }
    }

    void tick(long millis) {
        now += millis;
        clientEffects.accept(client.tick(now));
        if (server != null) {
            serverEffects.accept(server.tick(now));
        }
    }

    /** Every frame crosses as bytes, split in two, through a real decoder. */
    private static Frame roundTrip(Frame f, FrameDecoder decoder) {
        Buffer bytes = f.encode();
        drop(f);
        List<Frame> out = new ArrayList<>(1);
        try {
            int half = bytes.length() / 2;
            decoder.feed(bytes.getBuffer(0, half), g -> out.add(g.kept()));
            decoder.feed(bytes.getBuffer(half, bytes.length()), g -> out.add(g.kept()));
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
        if (out.size() != 1 || !out.get(0).equals(f)) {
            throw new AssertionError("codec changed " + f + " into " + out);
        }
        return out.get(0);
    }
}
