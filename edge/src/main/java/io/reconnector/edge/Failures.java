package io.reconnector.edge;

import java.util.List;
import java.util.Locale;

/** Failure text for people: what happened in words, not a socket library's error numbers. */
public final class Failures {
    /**
     * The JDK says "Connection refused", Netty's native transport "connect(..) failed with
     * error(-111)": either form, and what it means.
     */
    private record Known(String errno, String text, String human) {
    }

    private static final List<Known> KNOWN = List.of(
            new Known("(-111)", "connection refused", "connection refused (nothing listens there: is it running?)"),
            new Known("(-104)", "connection reset", "connection reset by the other end or the network"),
            new Known("(-113)", "no route to host", "no route to host"),
            new Known("(-101)", "network is unreachable", "network unreachable (offline?)"),
            new Known("(-110)", "timed out", "timed out"),
            new Known("(-98)", "address already in use", "address already in use (another program has that port)"),
            new Known("(-99)", "cannot assign requested address", "that address is not one of this machine's"),
            new Known("(-32)", "broken pipe", "the other end went away (broken pipe)"));

    private Failures() {
    }

    /** e.g. "Failed to create SSL connection: No subject alternative DNS name matching relay.example found". */
    public static String describe(Throwable t) {
        String top = String.valueOf(t.getMessage());
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String deep = root.getMessage();
        return root == t || deep == null || top.contains(deep) ? top : top + ": " + deep;
    }

    /** The same in plain words where the failure is a well-known socket error. */
    public static String human(Throwable t) {
        return human(describe(t));
    }

    static String human(String described) {
        String lower = described.toLowerCase(Locale.ROOT);
        for (Known k : KNOWN) {
            if (lower.contains("error" + k.errno()) || lower.contains(k.text())) {
                return k.human();
            }
        }
        return described;
    }
}
