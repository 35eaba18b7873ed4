package io.reconnector.edge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FailuresTest {
    @Test
    void nettysErrnoTextBecomesWords() {
        assertEquals("connection refused (nothing listens there: is it running?)",
                Failures.human(new IOException("finishConnect(..) failed with error(-111): Connection refused")));
        assertEquals("connection reset by the other end or the network",
                Failures.human(new IOException("recvAddress(..) failed with error(-104): Connection reset by peer")));
        assertEquals("address already in use (another program has that port)",
                Failures.human(new IOException("bind(..) failed with error(-98): Address already in use")));
        assertEquals("connection refused (nothing listens there: is it running?)",
                Failures.human(new ConnectException("Connection refused")), "the JDK's words too");
    }

    @Test
    void anythingElseIsDescribedAsItWas() {
        assertEquals("Failed to create SSL connection: no subject alternative name",
                Failures.human(new IOException("Failed to create SSL connection", new IOException("no subject alternative name"))));
    }
}
