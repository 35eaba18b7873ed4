package io.reconnector.agent;

import io.reconnector.edge.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientIdFileTest {
    private static final HostPort RELAY = new HostPort("relay.example", 7000);

    @Test
    void theSameIdAfterARestart(@TempDir Path state) throws IOException {
        long first;
        try (ClientIdFile f = ClientIdFile.open(state, RELAY)) {
            first = f.clientId();
            assertEquals(first + "\n", Files.readString(f.path()));
        }
        try (ClientIdFile f = ClientIdFile.open(state, RELAY)) {
            assertEquals(first, f.clientId());
        }
    }

    @Test
    void eachRelayHasItsOwnId(@TempDir Path state) throws IOException {
        try (ClientIdFile a = ClientIdFile.open(state, RELAY);
             ClientIdFile b = ClientIdFile.open(state, new HostPort("relay.example", 7001))) {
            assertNotEquals(a.path(), b.path());
        }
    }

    @Test
    void twoAgentsCannotShareAnId(@TempDir Path state) throws IOException {
        // FileChannel locks are per JVM: the second open in one process is refused as another agent's would be.
        try (ClientIdFile held = ClientIdFile.open(state, RELAY)) {
            IOException e = assertThrows(IOException.class, () -> ClientIdFile.open(state, RELAY));
            assertTrue(e.getMessage().contains("--state-dir of its own"), e.getMessage());
        } catch (java.nio.channels.OverlappingFileLockException e) {
            throw new AssertionError("the refusal must be an IOException with advice, not " + e);
        }
    }

    @Test
    void aDamagedFileIsNamedNotOverwritten(@TempDir Path state) throws IOException {
        Path p = ClientIdFile.pathFor(state, RELAY);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "not a number\n");
        IOException e = assertThrows(IOException.class, () -> ClientIdFile.open(state, RELAY));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("delete it"), e.getMessage());
        assertEquals("not a number\n", Files.readString(p));
    }
}
