package io.reconnector.relay;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Identities and certificate serials that may no longer connect ({@code --revoked FILE}).
 * One entry per line: {@code identity NAME} or {@code serial HEX} (colons allowed, as openssl
 * prints them); blank lines and {@code #} comments are ignored.
 */
final class RevocationList {
    static final RevocationList NONE = new RevocationList(Set.of(), Set.of());

    private final Set<String> identities;
    private final Set<BigInteger> serials;

    private RevocationList(Set<String> identities, Set<BigInteger> serials) {
        this.identities = Set.copyOf(identities);
        this.serials = Set.copyOf(serials);
    }

    /**
     * @throws IllegalArgumentException naming the line that is wrong and how to write it
     */
    static RevocationList parse(String text) {
        Set<String> identities = new HashSet<>();
        Set<BigInteger> serials = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            String kind = parts[0].toLowerCase(Locale.ROOT);
            if (parts.length == 2 && kind.equals("identity")) {
                identities.add(parts[1].strip());
            } else if (parts.length == 2 && kind.equals("serial")) {
                try {
                    serials.add(new BigInteger(parts[1].replace(":", "").strip(), 16));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": '" + parts[1] + "' is not a hex serial");
                }
            } else {
                throw new IllegalArgumentException("line " + (i + 1) + ": '" + line + "'; write 'identity NAME' or "
                        + "'serial HEX' (e.g. serial 3f:9a:01), one per line");
            }
        }
        return new RevocationList(identities, serials);
    }

    boolean revokes(ClientIdentity id) {
        return !id.anonymous() && (identities.contains(id.name()) || id.serial() != null && serials.contains(id.serial()));
    }

    /** A session of this identity may not live on (a serial revocation ends only the transports that use it). */
    boolean revokesIdentity(String name) {
        return identities.contains(name);
    }

    int size() {
        return identities.size() + serials.size();
    }
}
