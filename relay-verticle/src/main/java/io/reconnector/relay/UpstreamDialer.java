package io.reconnector.relay;

import io.reconnector.protocol.frame.IpAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Opens the real TCP connections a relay makes on a client's behalf. */
public final class UpstreamDialer {
    private final NetClient client;

    public UpstreamDialer(Vertx vertx, Duration connectTimeout) {
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setTcpNoDelay(true)
                .setReconnectAttempts(0));
    }

    /**
     * Dials an address already resolved: given as text, even a literal, Vert.x hands it to a
     * resolver on a worker thread and back, which cost each connection milliseconds on a busy
     * machine.
     */
    public Future<NetSocket> dial(IpAddress address, int port) {
        return client.connect(SocketAddress.inetSocketAddress(new InetSocketAddress(address.inet(), port)));
    }
}
