package io.reconnector.edge;

import io.vertx.core.net.NetSocket;

import java.util.function.Consumer;

/**
 * Tells its owner when a socket's write queue fills past a limit (true, after a write) and when
 * it has drained (false) ({@link SocketPipe#watchCongestion}).
 */
final class CongestionWatch {
    private final Consumer<Boolean> congested;
    private boolean now;

    CongestionWatch(NetSocket socket, int maxBytes, Consumer<Boolean> congested) {
        this.congested = congested;
        socket.setWriteQueueMaxSize(maxBytes);
        socket.drainHandler(v -> {
            if (now) {
                now = false;
                congested.accept(false);
            }
        });
    }

    void afterWrite(NetSocket socket) {
        if (!now && socket.writeQueueFull()) {
            now = true;
            congested.accept(true);
        }
    }
}
