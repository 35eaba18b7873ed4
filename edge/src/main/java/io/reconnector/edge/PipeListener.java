package io.reconnector.edge;

import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;

/** What a {@link SocketPipe} reports; all calls come on the socket's event loop. */
public interface PipeListener {
    /**
     * Bytes read. By default a heap copy the listener may keep; lent for the call only after
     * {@link SocketPipe#lendReads}; the listener's to release ({@link io.reconnector.protocol.Payloads})
     * after {@link SocketPipe#handOverReads}.
     */
    void onData(Buffer data);

    /**
     * A message a decoder in front of Vert.x produced (a PROXY protocol header, a SOCKS
     * request). The listener owns it: release it if it is reference-counted.
     */
    default void onMessage(Object message) {
        ReferenceCountUtil.release(message);
    }

    /** The peer shut down its output (FIN). */
    void onEof();

    /** A batch of reads ended: a good moment to flush coalesced output. */
    default void onReadBatchEnd() {
    }

    /** The socket is closed; {@code cause} is null for an orderly close. */
    void onClosed(Throwable cause);
}
