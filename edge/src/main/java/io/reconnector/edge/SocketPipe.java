package io.reconnector.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.reconnector.protocol.Payloads;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One TCP socket with the semantics a tunnel needs and Vert.x's NetSocket does not expose:
 * half-close both ways (a FIN from the peer is reported as {@link PipeListener#onEof()} while
 * writing goes on; {@link #shutdownOutput()} sends our FIN after pending writes), the end of
 * each read batch (where coalesced acks are flushed), and reading that starts paused.
 *
 * <p>Netty codecs may sit in front of Vert.x's handler ({@link #addCodec}):
 * what they decode arrives at {@link PipeListener#onMessage}, bytes they pass on at
 * {@link PipeListener#onData}.
 *
 * <p>Everything runs on the socket's event loop. Vert.x delivers user events (the peer's FIN)
 * at once but queues data while paused, so an EOF that arrives while we are paused is held
 * until the data queued before it has been handed over.
 */
public final class SocketPipe {

    /** The name Vert.x gives its own handler in every socket's pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private final NetSocketInternal socket;
    private final Channel channel;
    /** Null unless {@link #limitReadAhead}. */
    private PausedReads pausedReads;
    /** Null until {@link #listen}; reading is paused until then, so no data or FIN can come. */
    private PipeListener listener;
    private boolean held;
    /** How reads reach the listener: copied, lent ({@link #lendReads}) or given ({@link #handOverReads}). */
    private ReadMode readMode = ReadMode.COPY;
    /** The read being lent to {@link PipeListener#onData} right now; null outside that call. */
    private ByteBuf lending;
    private boolean paused;
    private boolean eofSeen;
    private boolean eofDeferred;
    private boolean closeDeferred;
    /** We asked for the close (close or reset): nothing read after it matters any more. */
    private boolean closing;
    private boolean outputShut;
    private boolean closed;
    private Throwable failure;
    private Future<Void> lastWrite = Future.succeededFuture();
    private CongestionWatch congestion;

    public SocketPipe(NetSocket socket) {
        this.socket = (NetSocketInternal) socket;
        this.channel = this.socket.channelHandlerContext().channel();
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    /**
     * {@link PipeListener#onData} gets the buffer Netty read into (a direct buffer, TLS's output),
     * lent for the call ({@link ReadMode#LEND}): one copy of every byte fewer. Call before {@link #listen}.
     */
    public SocketPipe lendReads() {
        return readInto(ReadMode.LEND);
    }

    /**
     * {@link PipeListener#onData} gets each read as it is, pooled memory the listener releases
     * ({@link Payloads}) once done with it ({@link ReadMode#HAND_OVER}). Call before {@link #listen}.
     */
    public SocketPipe handOverReads() {
        return readInto(ReadMode.HAND_OVER);
    }

    /** While paused, reads ahead a read's worth at most ({@link PausedReads}). Call before {@link #hold}. */
    public SocketPipe limitReadAhead() {
        pausedReads = new PausedReads();
        channel.pipeline().addBefore(VERTX_HANDLER, PausedReads.NAME, pausedReads);
        return this;
    }

    private SocketPipe readInto(ReadMode mode) {
        readMode = mode;
        channel.config().setAllocator(TransportBuffers.POOL);
        return this;
    }

    /** Starts reporting; reading stays paused until {@link #resume()}. */
    public SocketPipe listen(PipeListener listener) {
        this.listener = listener;
        return hold();
    }

    /**
     * Takes the socket's events now, reading paused, before anyone listens: Vert.x drops what a
     * socket without a handler reads (a server that speaks first while its dial waits).
     */
    public SocketPipe hold() {
        if (held) {
            return this;
        }
        held = true;
        socket.messageHandler(this::deliver);
        socket.eventHandler(event -> {
            if (event instanceof ChannelInputShutdownEvent) {
                stopWatchingInput();
                if (paused) {
                    eofDeferred = true;
                } else {
                    fireEof();
                }
            }
        });
        socket.readCompletionHandler(v -> {
            if (delivering() && listener != null) {
                listener.onReadBatchEnd();
            }
        });
        socket.exceptionHandler(t -> failure = t);
        socket.closeHandler(v -> {
            if (paused && !closed && !closing && !eofSeen) {
                // Bytes (and a FIN) may still be queued behind the pause: hand them over on
                // resume, before reporting the close, or a peer that sent everything and hung
                // up would look like one that aborted. (Not when we closed it: no resume would
                // ever come, and the owner would never hear that its socket is gone. Nor after
                // the FIN was handed over: nothing can be queued behind it, and the owner, done
                // reading, may never resume: the close would wait forever.)
                closeDeferred = true;
                return;
            }
            finishClose();
        });
        // Paused only now: a pause before the message handler is replaced goes to Vert.x's own
        // handler and is lost, and the socket would read without limit.
        paused = true;
        stopReading();
        return this;
    }

    /** A read, or a codec's message, for the listener: each read the pipe's way ({@link ReadMode}). */
    private void deliver(Object msg) {
        if (!(msg instanceof ByteBuf read)) {
            if (delivering()) {
                listener.onMessage(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        } else if (!delivering()) {
            read.release();
        } else if (readMode == ReadMode.HAND_OVER) {
            listener.onData(ReadMode.handOver(read, channel.alloc()));
        } else if (readMode == ReadMode.COPY) {
            listener.onData(BufferInternal.safeBuffer(read));
        } else {
            ByteBuf outer = lending; // a resume inside onData hands over queued reads at once
            try {
                lending = read;
                listener.onData(BufferInternal.buffer(read.slice())); // Vert.x reads by absolute index, from the slice's 0
            } finally {
                lending = outer;
                read.release();
            }
        }
    }

    /**
     * Puts a Netty codec in front of Vert.x's handler: a decoder (call it before {@link #listen},
     * while the socket has read nothing yet; one that is done removes itself, as Netty's do), or
     * an encoder for {@link #writeMessage}.
     */
    public SocketPipe addCodec(String name, ChannelHandler codec) {
        channel.pipeline().addBefore(VERTX_HANDLER, name, codec);
        return this;
    }

    /**
     * The socket's Netty pipeline, for a codec that rearranges itself as a handshake goes on
     * (SOCKS swaps its decoders); everything else goes through the methods above.
     */
    public io.netty.channel.ChannelPipeline pipeline() {
        return channel.pipeline();
    }

    /** Removes a codec added with {@link #addCodec}, if it is still there. */
    public void removeCodec(String name) {
        if (channel.pipeline().get(name) != null) {
            channel.pipeline().remove(name);
        }
    }

    /**
     * From within {@link PipeListener#onData} of a pipe that {@link #lendReads}: writes the read
     * being lent to {@code to} as it is, without a copy; the read buffer is kept until written.
     * (A hop: from the client's socket into the home's, and back.)
     */
    public Future<Void> passLentReadTo(SocketPipe to) {
        if (lending == null) {
            throw new IllegalStateException("no read is being lent: call it from onData of a pipe that lends its reads");
        }
        return to.writeOwned(BufferInternal.buffer(lending.retainedSlice())); // released when written
    }

    /**
     * Writes {@code data} and releases it ({@link Payloads}) once the write has ended, whichever
     * way: Vert.x hands a Buffer to Netty unreleasable, and a write it still queues when its
     * socket closes is failed there but never released.
     */
    public Future<Void> writeOwned(Buffer data) {
        return write(data).andThen(ar -> Payloads.release(data));
    }

    /** Writes a message for an encoder added with {@link #addCodec} to turn into bytes. */
    public Future<Void> writeMessage(Object message) {
        if (closed || outputShut) {
            ReferenceCountUtil.release(message);
            return Future.failedFuture("socket output is closed");
        }
        lastWrite = socket.writeMessage(message);
        return lastWrite;
    }

    private void finishClose() {
        if (!closed) {
            closed = true;
            if (listener != null) { // nobody to tell: it was closed before anyone listened
                listener.onClosed(failure);
            }
        }
    }

    private void fireEof() {
        if (!eofSeen && !closed) {
            eofSeen = true;
            listener.onEof();
        }
    }

    public void pause() {
        if (!paused) {
            paused = true;
            stopReading();
        }
    }

    public void resume() {
        if (paused && !closed) {
            paused = false;
            socket.resume(); // hands over what queued while paused, synchronously, unless paused again
            if (!paused && pausedReads != null) {
                pausedReads.resume(channel);
            }
            if (eofDeferred && !paused) {
                eofDeferred = false;
                fireEof();
            }
            if (closeDeferred && !paused) {
                closeDeferred = false;
                finishClose();
            }
            if (eofSeen || eofDeferred) { // the peer's FIN was read, handed over or not
                stopWatchingInput(); // Vert.x turns reading on again once its queue empties
            }
        }
    }

    /**
     * After the peer's FIN: Netty keeps the socket's read interest, epoll reports the socket
     * readable (at its end) on every wait, and Netty takes two more turns of the loop, each a
     * wait that returns at once, before it drops the interest itself. A relay's destination that
     * hangs up after our FIN, or an application that half-closes first, stays open until the
     * peer's Connection Closed: without this, two extra waits per such connection. Nothing can be
     * read after the FIN, and a write still finds a reset.
     */
    private void stopWatchingInput() {
        channel.config().setAutoRead(false); // a no-op when it is off already
    }

    /** Writes bytes; the future completes once they are handed to the kernel. */
    public Future<Void> write(Buffer data) {
        if (closed || outputShut) {
            return Future.failedFuture("socket output is closed");
        }
        lastWrite = socket.write(data);
        if (congestion != null) {
            congestion.afterWrite(socket);
        }
        return lastWrite;
    }

    /** Everything written so far has gone to the kernel: a write now is likely done at once. */
    public boolean writesDone() {
        return lastWrite.isComplete();
    }

    /** Sends our FIN once everything written so far has gone out. */
    public void shutdownOutput() {
        if (outputShut || closed) {
            return;
        }
        outputShut = true;
        if (eofSeen) {
            // Both directions are done: a close sends the same FIN (their FIN was read, so no
            // unread byte turns it into a reset), one system call instead of shutdown and close.
            close();
            return;
        }
        lastWrite.onComplete(ar -> {
            if (!channel.isActive()) {
                return;
            }
            try {
                NioSockets.sendFin(channel);
            } catch (IOException e) { // the peer reset it: the connection is gone
                failure = e;
                closeNow();
                return;
            }
            if (eofSeen) {
                close(); // their FIN came while ours waited for the writes before it
            }
        });
    }

    /**
     * Closes after what was written has gone out, or resets once {@code millis} have passed: a
     * peer that stopped reading (a dead link, a hostile client) cannot keep the socket open.
     */
    public void closeWithin(long millis) {
        close();
        if (!closed) {
            channel.eventLoop().schedule(this::reset, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Closes after what was written has gone out. */
    public void close() {
        if (closed) {
            return;
        }
        lastWrite.onComplete(ar -> closeNow());
    }

    private void closeNow() {
        closing = true;
        dropQueuedReads();
        socket.close();
        finishDeferredClose();
    }

    private void stopReading() {
        socket.pause();
        if (pausedReads != null) {
            pausedReads.pause();
        }
    }

    /** Is what is read still the listener's? Not once we close the socket, nor after. */
    private boolean delivering() {
        return !closed && !closing;
    }

    /**
     * Closing while paused: Vert.x would never release the reads queued behind the pause; a
     * resume hands them to our handler, which drops them ({@link #delivering()}).
     */
    private void dropQueuedReads() {
        if (paused && channel.eventLoop().inEventLoop()) {
            paused = false;
            socket.resume();
        }
    }

    /**
     * Closes at once with a reset (SO_LINGER 0), for connections that end in failure: what is
     * still queued to be written is dropped (and released), whether or not the peer reads.
     */
    public void reset() {
        if (closed) {
            return;
        }
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // not every transport supports it; a plain close still ends the connection
        }
        closing = true;
        dropQueuedReads();
        // Below Vert.x's handler, whose close waits behind every write the kernel has not taken
        // (never, if the peer stopped reading). No handler left: closed and torn down already.
        ChannelHandlerContext first = channel.pipeline().firstContext();
        if (first != null) {
            first.close();
        }
        finishDeferredClose();
    }

    /**
     * The peer's close came while paused and waited for a resume that, now that we close it
     * too, will never come; the socket is already closed, so no close event follows either.
     */
    private void finishDeferredClose() {
        if (closeDeferred) {
            closeDeferred = false;
            finishClose();
        }
    }

    public boolean closed() {
        return closed;
    }

    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    /**
     * Tells {@code congested} when the write queue fills past {@code maxBytes} (true, after a
     * write) and when it has drained (false). A side that stops framing while congested keeps
     * its memory bounded against a peer that stops reading.
     */
    public SocketPipe watchCongestion(int maxBytes, java.util.function.Consumer<Boolean> congested) {
        congestion = new CongestionWatch(socket, maxBytes, congested);
        return this;
    }

    public NetSocket socket() {
        return socket;
    }
}
