package io.reconnector.agent;

import io.reconnector.protocol.frame.Destination;

/**
 * The proxy protocol an application speaks before its bytes flow (SOCKS, HTTP CONNECT): Netty's
 * codecs in the socket's pipeline turn its bytes into requests; an implementation decides what
 * each request means and writes the answers. The local connection does the rest.
 */
interface ProxyHandshake {
    /** Where a request wants to go: an address of either family, or a name. */
    record Target(Destination destination, int port) {
    }

    /** What the local connection does after a request. */
    sealed interface Next {
        /** The handshake goes on. */
        record Wait() implements Next {
        }

        /** Open a connection to the target, then call {@link #answer}. */
        record Connect(Target target) implements Next {
        }

        /** The request was refused (the answer is written): close the connection. */
        record Close(String why) implements Next {
        }
    }

    Next WAIT = new Next.Wait();

    /** A message the codecs produced; the implementation releases it. */
    Next onMessage(Object message);

    /**
     * Answers the request: errno 0 is success (the codecs leave the pipeline: from now on the
     * socket carries the application's bytes), any other the refusal that matches it.
     */
    void answer(int errno);

    /** Linux's EAFNOSUPPORT: an IPv6 destination for a relay that carries IPv4 only. */
    int EAFNOSUPPORT = 97;
}
