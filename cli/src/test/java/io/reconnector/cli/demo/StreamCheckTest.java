package io.reconnector.cli.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A received stream is compared byte for byte with the seeded stream it should be. */
class StreamCheckTest {
    private static final long SEED = 7;
    /** Not a multiple of the writer's 64 KiB chunk nor of its 8-byte words. */
    private static final int SIZE = 200_003;

    private static byte[] stream(long seed, int size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamCheck.write(out, seed, size);
        return out.toByteArray();
    }

    /** Reads {@code bytes} in reads of {@code readSize}, as a socket would hand them over. */
    private static StreamCheck.Received read(byte[] bytes, int readSize) throws IOException {
        StreamCheck.Received r = new StreamCheck.Received(SEED);
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, readSize));
            }
        };
        StreamCheck.read(in, r);
        return r;
    }

    @Test
    void theStreamItselfIsAsExpectedInReadsOfAnySize() throws IOException {
        byte[] sent = stream(SEED, SIZE);
        for (int readSize : new int[] {1, 7, 4096, 65536}) {
            StreamCheck.Received r = read(sent, readSize);
            assertEquals(-1, r.firstWrongByte(), "reads of " + readSize);
            assertEquals(SIZE, r.bytes);
            assertEquals(SIZE + " bytes, every one as expected", r.describe());
        }
    }

    @Test
    void aChangedByteIsFoundWhereItIs() throws IOException {
        byte[] got = stream(SEED, SIZE);
        got[123_457] ^= 1;
        assertEquals(123_457, read(got, 4096).firstWrongByte());
    }

    @Test
    void aDoubledPieceIsFoundWhereItBegins() throws IOException {
        byte[] sent = stream(SEED, SIZE);
        int from = 70_000;
        int length = 5_000;
        byte[] got = new byte[SIZE + length];
        System.arraycopy(sent, 0, got, 0, from + length);
        System.arraycopy(sent, from, got, from + length, SIZE - from);
        StreamCheck.Received r = read(got, 65536);
        assertEquals(from + length, r.firstWrongByte(), "the copy begins after the original");
        assertTrue(r.describe().endsWith("the first wrong one at offset " + (from + length)), r.describe());
    }

    @Test
    void aLostPieceIsFoundWhereItWas() throws IOException {
        byte[] sent = stream(SEED, SIZE);
        byte[] got = new byte[SIZE - 1000];
        System.arraycopy(sent, 0, got, 0, 9_000);
        System.arraycopy(sent, 10_000, got, 9_000, SIZE - 10_000);
        assertEquals(9_000, read(got, 1500).firstWrongByte());
    }

    @Test
    void anotherSeedsStreamIsWrongFromItsStart() throws IOException {
        StreamCheck.Received r = read(stream(SEED + 1, SIZE), 65536);
        assertEquals(0, r.firstWrongByte());
    }

    @Test
    void aTruncatedStreamIsAsExpectedAsFarAsItGoes() throws IOException {
        StreamCheck.Received r = read(Arrays.copyOf(stream(SEED, SIZE), 100_001), 65536);
        assertEquals(-1, r.firstWrongByte());
        assertEquals(100_001, r.bytes);
    }
}
