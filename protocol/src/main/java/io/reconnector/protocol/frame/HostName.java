package io.reconnector.protocol.frame;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A host name for the relay to resolve (the names extension): 1 to 255 bytes of ASCII letters,
 * digits, hyphens, underscores and dots — what DNS names and /etc/hosts entries are made of, so
 * nothing a resolver could misread (spaces, NULs, percent signs) ever reaches one. Kept as given
 * except for case, which names ignore.
 */
public record HostName(String name) implements Destination {
    /** The most bytes the frame's one-byte length can say. */
    public static final int MAX_LENGTH = 255;

    public HostName {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a host name has 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
            if (!ok) {
                throw new IllegalArgumentException("not a host name: '" + name + "' (letters, digits, '-', '_' and '.' only)");
            }
        }
        if (name.startsWith(".") || name.contains("..") || name.startsWith("-")) {
            throw new IllegalArgumentException("not a host name: '" + name + "'");
        }
        name = name.toLowerCase(Locale.ROOT);
    }

    /** From the bytes of a frame; throws IllegalArgumentException for anything a name cannot be. */
    static HostName ofBytes(byte[] ascii) {
        return new HostName(new String(ascii, StandardCharsets.ISO_8859_1));
    }

    byte[] bytes() {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public FrameType newConnectionType() {
        return FrameType.NEW_CONNECTION_NAME;
    }

    @Override
    public String toString() {
        return name;
    }
}
