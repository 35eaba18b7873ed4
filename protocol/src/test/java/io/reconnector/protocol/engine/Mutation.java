package io.reconnector.protocol.engine;

import io.vertx.core.buffer.Buffer;

import java.util.Arrays;
import java.util.Random;

/** How a hostile or broken peer damages a frame on its way: one of a few byte-level mutations. */
public enum Mutation {
    /** One bit of one byte flipped. */
    FLIP,
    /** Random bytes inserted before the frame. */
    INSERT,
    /** Part of the frame deleted. */
    DELETE,
    /** The frame sent twice over. */
    REPEAT,
    /** Replaced by random bytes whose first byte is a valid code (a frame that parses, with nonsense fields). */
    RANDOM_FRAME;

    /** {@code frame} after one mutation chosen by {@code random}. */
    public static Buffer apply(Buffer frame, Random random) {
        byte[] b = frame.getBytes();
        Mutation m = values()[random.nextInt(values().length)];
        switch (m) {
            case FLIP -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case INSERT -> {
                byte[] junk = new byte[1 + random.nextInt(16)];
                random.nextBytes(junk);
                return Buffer.buffer(junk).appendBytes(b);
            }
            case DELETE -> {
                int from = random.nextInt(b.length);
                int to = from + 1 + random.nextInt(b.length - from);
                byte[] cut = new byte[b.length - (to - from)];
                System.arraycopy(b, 0, cut, 0, from);
                System.arraycopy(b, to, cut, from, b.length - to);
                return Buffer.buffer(cut);
            }
            case REPEAT -> {
                return Buffer.buffer(b).appendBytes(b);
            }
            case RANDOM_FRAME -> {
                byte[] junk = Arrays.copyOf(b, b.length);
                random.nextBytes(junk);
                junk[0] = b[0]; // keep the code: the length is right, the fields are not
                return Buffer.buffer(junk);
            }
        }
        return Buffer.buffer(b);
    }
}
