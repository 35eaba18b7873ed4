package io.reconnector.edge;

import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.engine.Effect;
import io.reconnector.protocol.engine.SessionEngine;
import io.reconnector.protocol.frame.SequencedFrame;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Carries out a session engine's effects on real sockets, the same way for the agent and the
 * relay: bytes delivered to a connection's socket are reported consumed once the kernel took
 * them (only then does the window reopen), EOF is a half-close, pause and resume pace reading,
 * a close is a clean close or a reset. What differs between the two sides is a {@link Side}.
 *
 * <p>Effects are carried out in the order the engine produced them. Carrying one out can cause
 * more (resuming a socket hands over its queued bytes at once, which the engine frames); those
 * queue behind the rest instead of jumping ahead. The frames of one run go to the transport in
 * one write, once the queue is empty.
 */
public final class EffectApplier implements Effect.Handler {

    /** What the agent and the relay each do their own way. */
    public interface Side {
        /** The local socket of connection {@code id} while it belongs to the session; null otherwise. */
        SocketPipe socket(int connectionId);

        /**
         * The engine ended connection {@code id}: forget it and return its socket (null if it has
         * none), which the applier then closes or resets as {@code why} says.
         */
        SocketPipe forget(Effect.CloseConnection why);

        /**
         * The frames of one run, to write to the transport if one is attached. The side takes
         * them over: it releases them ({@link io.reconnector.protocol.Payloads}) once written
         * ({@link SocketPipe#writeOwned}) or dropped.
         */
        void writeFrames(Buffer frames);

        /** A sequenced frame went out (the relay's record must learn of it). */
        void sequencedFrameSent(SequencedFrame frame);

        void openUpstream(Effect.OpenUpstream e);

        void abandonDial(Effect.AbandonDial e);

        void connectResult(Effect.ConnectResult e);

        void established(Effect.Established e);

        void rejected(Effect.Rejected e);

        void transportDead(Effect.TransportDead e);

        void protocolError(Effect.ProtocolError e);

        /** Client only: whether the relay speaks the names-and-IPv6 extension is now known. */
        void extensionsSettled(Effect.ExtensionsSettled e);

        /** {@code bytes} delivered on a connection were taken by its socket (for byte counters). */
        default void delivered(int connectionId, int bytes) {
        }
    }

    private final SessionEngine engine;
    private final Side side;
    private final ArrayDeque<Effect> queue = new ArrayDeque<>();
    private boolean running;
    private final FrameBatch outgoing = new FrameBatch();

    public EffectApplier(SessionEngine engine, Side side) {
        this.engine = engine;
        this.side = side;
    }

    /** Carries out {@code effects} (and whatever they cause), in order. */
    public void run(List<Effect> effects) {
        if (running) {
            // The loop below gets to them after what the engine produced before them, after the
            // call that lent a payload to the engine may have returned: those are copied.
            for (Effect e : effects) {
                queue.add(e instanceof Effect.Deliver d ? new Effect.Deliver(d.connectionId(), Payloads.heapCopy(d.data())) : e);
            }
            return;
        }
        queue.addAll(effects);
        running = true;
        try {
            Effect e;
            while ((e = queue.poll()) != null) {
                e.applyTo(this);
            }
        } finally {
            running = false;
        }
        if (!outgoing.isEmpty()) {
            side.writeFrames(outgoing.take());
        }
    }

    @Override
    public void send(Effect.Send e) {
        outgoing.add(e.frame());
        if (e.frame() instanceof SequencedFrame s) {
            side.sequencedFrameSent(s);
        }
    }

    @Override
    public void deliver(Effect.Deliver e) {
        int id = e.connectionId();
        SocketPipe pipe = side.socket(id);
        if (pipe == null) {
            return; // closed meanwhile: the engine has been told
        }
        Buffer data = e.data();
        int n = data.length();
        // The payload is a view of the transport's read, lent for this call (FrameDecoder).
        // Written as it is, it keeps that read until the write is done: fine when it goes out
        // now and is most of the read; otherwise a copy of its own size (a destination that
        // reads slowly would keep whole reads for every small payload queued to it).
        Buffer own = pipe.writesDone() && Payloads.worthKeeping(data) ? Payloads.retain(data)
                : TransportBuffers.copyOf(data);
        pipe.writeOwned(own).onSuccess(v -> {
            side.delivered(id, n);
            if (side.socket(id) == pipe) {
                run(engine.consumed(id, n));
            }
        });
    }

    @Override
    public void deliverEof(Effect.DeliverEof e) {
        SocketPipe pipe = side.socket(e.connectionId());
        if (pipe != null) {
            pipe.shutdownOutput();
        }
    }

    @Override
    public void closeConnection(Effect.CloseConnection e) {
        SocketPipe pipe = side.forget(e);
        if (pipe == null) {
            return;
        }
        if (e.graceful()) {
            pipe.close();
        } else {
            pipe.reset(); // the application must see an error, not a clean end
        }
    }

    @Override
    public void pauseReading(Effect.PauseReading e) {
        SocketPipe pipe = side.socket(e.connectionId());
        if (pipe != null) {
            pipe.pause();
        }
    }

    @Override
    public void resumeReading(Effect.ResumeReading e) {
        SocketPipe pipe = side.socket(e.connectionId());
        if (pipe != null) {
            pipe.resume();
        }
    }

    @Override
    public void openUpstream(Effect.OpenUpstream e) {
        side.openUpstream(e);
    }

    @Override
    public void abandonDial(Effect.AbandonDial e) {
        side.abandonDial(e);
    }

    @Override
    public void connectResult(Effect.ConnectResult e) {
        side.connectResult(e);
    }

    @Override
    public void established(Effect.Established e) {
        side.established(e);
    }

    @Override
    public void rejected(Effect.Rejected e) {
        side.rejected(e);
    }

    @Override
    public void transportDead(Effect.TransportDead e) {
        side.transportDead(e);
    }

    @Override
    public void protocolError(Effect.ProtocolError e) {
        side.protocolError(e);
    }

    @Override
    public void extensionsSettled(Effect.ExtensionsSettled e) {
        side.extensionsSettled(e);
    }
}
