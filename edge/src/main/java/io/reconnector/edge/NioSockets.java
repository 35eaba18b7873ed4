package io.reconnector.edge;

import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.socket.DuplexChannel;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;

/** {@link SocketPipe}'s way to the JDK socket under a Netty NIO channel, for its half-close. */
final class NioSockets {
    private NioSockets() {
    }

    /** Sends the channel's FIN: on the JDK socket under it where there is one ({@link #jdkChannel}). */
    static void sendFin(Channel channel) throws IOException {
        SocketChannel jdk = jdkChannel(channel);
        if (jdk != null) {
            jdk.shutdownOutput();
        } else if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
    }

    /**
     * The JDK socket under a Netty NIO channel, or null on any other transport. Netty's
     * {@code shutdownOutput} builds an exception with a stack trace on every call (to fail
     * writes still queued: we have none, the last write completed) — 7 % of a relay's CPU in
     * a connect loop, where every destination is half-closed. Shutting the JDK socket sends
     * the same FIN, and Netty reads the state from it ({@code isOutputShutdown}).
     */
    static SocketChannel jdkChannel(Channel channel) {
        if (JAVA_CHANNEL == null || !(channel instanceof AbstractNioChannel)) {
            return null;
        }
        try {
            return JAVA_CHANNEL.invoke((AbstractNioChannel) channel) instanceof SocketChannel jdk ? jdk : null;
        } catch (Throwable e) { // a getter: cannot throw; Netty's own shutdown would still do
            return null;
        }
    }

    /** {@code AbstractNioChannel.javaChannel()}, protected: null when it cannot be reached. */
    private static final MethodHandle JAVA_CHANNEL = javaChannelAccessor();

    private static MethodHandle javaChannelAccessor() {
        try {
            return MethodHandles.privateLookupIn(AbstractNioChannel.class, MethodHandles.lookup())
                    .findVirtual(AbstractNioChannel.class, "javaChannel", MethodType.methodType(SelectableChannel.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // Netty's own shutdown then, with its exception
        }
    }
}
