package io.reconnector.edge;

import io.netty.channel.ConnectTimeoutException;
import io.reconnector.protocol.frame.ConnectFailed;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Maps a failed dial to the Linux errno that Connect Failed carries, by the exception's type.
 * EHOSTUNREACH is a {@link NoRouteToHostException}; ENETUNREACH (a plain socket exception on
 * the JDK's transport, the same {@link NoRouteToHostException} on Netty's native one) becomes
 * EHOSTUNREACH too; a refusal is a plain {@link ConnectException}; our own connect timeout is
 * Netty's {@link ConnectTimeoutException}.
 */
public final class Errnos {
    private Errnos() {
    }

    public static int of(Throwable t) {
        if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
            return ConnectFailed.ETIMEDOUT; // checked first: Netty's timeout is a ConnectException too
        }
        if (t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return ConnectFailed.EHOSTUNREACH;
        }
        if (t instanceof ConnectException) {
            return ConnectFailed.ECONNREFUSED;
        }
        return ConnectFailed.EHOSTUNREACH; // any other failure to reach it
    }
}
