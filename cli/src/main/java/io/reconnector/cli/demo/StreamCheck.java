package io.reconnector.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Writes and reads checkable byte streams over plain blocking sockets, as an application
 * would: a seeded pseudo-random stream out, a SHA-256 of whatever comes in.
 */
public final class StreamCheck {
    private StreamCheck() {
    }

    /** Writes {@code total} bytes of the stream named by {@code seed}; returns their SHA-256. */
    public static String write(OutputStream out, long seed, long total) throws IOException {
        long[] left = {total};
        return write(out, seed, () -> left[0], n -> left[0] -= n);
    }

    /**
     * Writes the stream named by {@code seed} in 64 KiB chunks for as long as {@code more} says
     * so; returns the SHA-256 of what was written and counts it in {@code written}.
     */
    public static String writeWhile(OutputStream out, long seed, BooleanSupplier more, AtomicLong written)
            throws IOException {
        return write(out, seed, () -> more.getAsBoolean() ? Long.MAX_VALUE : 0, written::addAndGet);
    }

    private static String write(OutputStream out, long seed, LongSupplier left, LongConsumer wrote) throws IOException {
        MessageDigest sha = sha256();
        SeededBytes stream = new SeededBytes(seed);
        byte[] buf = new byte[64 * 1024];
        while (left.getAsLong() > 0) {
            int n = (int) Math.min(buf.length, left.getAsLong());
            stream.fill(buf, n);
            out.write(buf, 0, n);
            sha.update(buf, 0, n);
            wrote.accept(n);
        }
        out.flush();
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * What was read: its SHA-256, its length, and when the latest byte came (for resume times).
     * Given the seed of the stream that should arrive, it also finds the first byte that is not
     * that stream's, so a failed check can say whether bytes were lost, doubled or changed, and
     * where, instead of only that two hashes differ.
     */
    public static final class Received {
        public volatile long bytes;
        public volatile long lastByteNanos;
        public volatile String sha256;
        private final Expected expected;

        /** Checks nothing but the hash. */
        public Received() {
            this.expected = null;
        }

        /** Also compares every byte with the stream named by {@code expectedSeed}. */
        public Received(long expectedSeed) {
            this.expected = new Expected(expectedSeed);
        }

        /** The offset of the first byte that is not the expected stream's; -1 if none is (or nothing was expected). */
        public long firstWrongByte() {
            return expected == null ? -1 : expected.firstWrong;
        }

        /** For a failed check: how many bytes came, and whether they were the expected stream's. */
        public String describe() {
            String what = bytes + " bytes";
            if (expected == null) {
                return what;
            }
            long wrong = firstWrongByte();
            return what + (wrong < 0 ? ", every one as expected" : ", the first wrong one at offset " + wrong);
        }
    }

    /** The bytes a seed names: each next long of its {@link SplittableRandom}, the low byte first. */
    private static final class SeededBytes {
        private final SplittableRandom rnd;
        private long word;
        private int wordBytesLeft;

        SeededBytes(long seed) {
            this.rnd = new SplittableRandom(seed);
        }

        /** The next {@code n} bytes of the stream, into {@code buf}. */
        void fill(byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                if (wordBytesLeft == 0) {
                    word = rnd.nextLong();
                    wordBytesLeft = 8;
                }
                buf[i] = (byte) word;
                word >>>= 8;
                wordBytesLeft--;
            }
        }
    }

    /** The stream named by a seed, generated as it is compared with what arrived. */
    private static final class Expected {
        private final SeededBytes stream;
        private long offset;
        private byte[] scratch = new byte[0];
        volatile long firstWrong = -1;

        Expected(long seed) {
            this.stream = new SeededBytes(seed);
        }

        /** Compares the next {@code n} bytes arrived; stops comparing after the first wrong one. */
        void check(byte[] got, int n) {
            if (firstWrong >= 0) {
                return;
            }
            if (scratch.length < n) {
                scratch = new byte[n];
            }
            stream.fill(scratch, n);
            int at = Arrays.mismatch(got, 0, n, scratch, 0, n);
            if (at >= 0) {
                firstWrong = offset + at;
            }
            offset += n;
        }
    }

    /**
     * Reads to end of stream into {@code into}. If the stream fails, {@code into.sha256} still
     * names the bytes that did arrive, so a test can check they were a clean prefix.
     */
    public static void read(InputStream in, Received into) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[64 * 1024];
        int n;
        try {
            while ((n = in.read(buf)) >= 0) {
                sha.update(buf, 0, n);
                if (into.expected != null) {
                    into.expected.check(buf, n);
                }
                into.bytes += n;
                into.lastByteNanos = System.nanoTime();
            }
        } finally {
            into.sha256 = HexFormat.of().formatHex(sha.digest());
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
