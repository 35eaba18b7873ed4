package io.reconnector.edge;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** One readable line per event, on standard output, prefixed with the time and who speaks. */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static volatile boolean debug = Boolean.getBoolean("reconnector.debug");

    private Log() {
    }

    public static void info(String who, String line) {
        String text = LocalTime.now().format(TIME) + " " + who + ": " + line;
        synchronized (System.out) {
            System.out.println(text);
            System.out.flush();
        }
    }

    public static void debug(String who, String line) {
        if (debug) {
            info(who, line);
        }
    }
}
