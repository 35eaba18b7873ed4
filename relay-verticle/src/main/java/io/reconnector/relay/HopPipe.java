package io.reconnector.relay;

import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.reconnector.edge.PipeListener;
import io.reconnector.edge.SocketPipe;
import io.vertx.core.buffer.Buffer;

/**
 * A client transport that arrived at a node which is not its session's home, piped raw to the
 * home's peer port: a PROXY protocol header proving this node belongs to the cluster, the
 * bytes the client sent so far, then everything both ways untouched. The home treats it as one
 * more client transport; the protocol's own acks and replay cover any loss on the hop.
 * Backpressure runs both ways: a side whose write queue fills pauses the other's reading.
 */
final class HopPipe {
    private static final String ENCODER = "proxy-protocol-encoder";

    private final ClientTransport transport;
    private final SocketPipe client;
    private final SocketPipe home;

    HopPipe(ClientTransport transport, SocketPipe client, SocketPipe home) {
        this.transport = transport;
        this.client = client;
        this.home = home;
    }

    /** Sends the header and the client's first bytes, and starts piping. */
    void start(HAProxyMessage header, Buffer clientBytesSoFar) {
        home.addCodec(ENCODER, HAProxyMessageEncoder.INSTANCE);
        // Both ways, each read is written on as it is: this node copies nothing it forwards.
        home.lendReads().listen(new PipeListener() {
            @Override
            public void onData(Buffer data) {
                home.passLentReadTo(client);
                if (client.writeQueueFull()) {
                    home.pause();
                }
            }

            @Override
            public void onEof() {
                transport.close(TransportClose.HOP_CLOSED, "the home closed it");
            }

            @Override
            public void onClosed(Throwable cause) {
                transport.close(TransportClose.HOP_CLOSED, cause == null ? "" : cause.getMessage());
            }
        });
        home.writeMessage(header);
        home.write(clientBytesSoFar);
        home.resume();
        home.socket().drainHandler(v -> client.resume());
        client.socket().drainHandler(v -> home.resume());
    }

    /** Bytes from the client, on their way to the home: call it from the client pipe's onData. */
    void fromClient() {
        client.passLentReadTo(home);
        if (home.writeQueueFull()) {
            client.pause();
        }
    }

    /** The client closed its side cleanly: pass its FIN on, so the home can tell End Session. */
    void clientFinished() {
        home.shutdownOutput();
    }

    /**
     * The client's transport ended otherwise than by its FIN (which {@link #clientFinished} passed
     * on): a reset, so the home never hears it as the client ending its session. A FIN here would
     * end it there whenever no connection was open: a link broken at this node would cost the
     * client its session, which a link broken at the home does not.
     */
    void close() {
        home.reset();
    }
}
