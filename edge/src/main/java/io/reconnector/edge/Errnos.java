package io.reconnector.edge;

import io.reconnector.protocol.frame.ConnectFailed;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;

/** Maps a failed dial to the Linux errno that Connect Failed carries. */
public final class Errnos {
    private Errnos() {
    }

    public static int of(Throwable t) {
        String msg = String.valueOf(t.getMessage()).toLowerCase();
        if (t instanceof NoRouteToHostException || msg.contains("no route to host")) {
            return ConnectFailed.EHOSTUNREACH;
        }
        if (msg.contains("network is unreachable")) {
            return ConnectFailed.ENETUNREACH;
        }
        if (t instanceof SocketTimeoutException || msg.contains("timed out") || msg.contains("timeout")) {
            return ConnectFailed.ETIMEDOUT;
        }
        if (t instanceof ConnectException || msg.contains("refused")) {
            return ConnectFailed.ECONNREFUSED;
        }
        return ConnectFailed.EHOSTUNREACH;
    }
}
