package io.reconnector.edge;

/** Failure text for people: the message, and the deepest cause when it says more. */
public final class Failures {
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
}
