package io.reconnector.agent;

import io.reconnector.edge.HostPort;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * The agent's client id for one relay, kept in its state directory so that a restarted agent
 * starts its session under the same id — and the relay, told Start Session for an id it knows,
 * drops the stale session and its upstream connections at once instead of keeping them until
 * they expire. The file is locked while the agent runs: two agents on one machine sharing an id
 * would end each other's sessions in a loop.
 */
public final class ClientIdFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final long clientId;

    private ClientIdFile(Path path, FileChannel channel, FileLock lock, long clientId) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.clientId = clientId;
    }

    /** The file for {@code relay} in {@code stateDir}: {@code sessions/HOST_PORT.id}. */
    static Path pathFor(Path stateDir, HostPort relay) {
        String name = (relay.host() + "_" + relay.port()).replaceAll("[^A-Za-z0-9._-]", "_");
        return stateDir.resolve("sessions").resolve(name + ".id");
    }

    /**
     * Opens (creating it with a random id the first time) and locks the id file for {@code relay}.
     *
     * @throws IOException naming the file, and saying what to do when another agent holds it
     */
    public static ClientIdFile open(Path stateDir, HostPort relay) throws IOException {
        Path path = pathFor(stateDir, relay);
        Files.createDirectories(path.getParent());
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException inThisProcess) {
                lock = null; // another agent in this JVM (tests, the demo) holds it: the same answer
            }
            if (lock == null) {
                throw new IOException("another agent on this machine is using " + path + " (the same session with "
                        + relay + "); give this one a --state-dir of its own, or a --client-id");
            }
            long id = read(channel, path);
            if (id < 0) {
                id = new SecureRandom().nextInt() & 0xFFFF_FFFFL;
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(true);
            }
            return new ClientIdFile(path, channel, lock, id);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The id in the file; -1 when it is empty (new). */
    private static long read(FileChannel channel, Path path) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        channel.read(b, 0);
        String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        if (text.isEmpty()) {
            return -1;
        }
        try {
            long id = Long.parseLong(text);
            if (id >= 0 && id <= 0xFFFF_FFFFL) {
                return id;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IOException(path + " does not hold a client id (0..4294967295): delete it to start afresh");
    }

    public long clientId() {
        return clientId;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
