package io.reconnector.edge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One speaker's log: every line starts with who speaks ({@code relay n1}, {@code agent}) and,
 * for an {@link Event}, carries its name and the given fields as key-value pairs (the JSON
 * format shows them as fields; the text format shows the sentence).
 */
public final class EventLog {
    /** Shared by every speaker, so a flood from many transports still counts as one kind of line. */
    private static final Repeats REPEATS = new Repeats(System::currentTimeMillis);

    private final Logger logger;
    private final String who;
    private final Object[] context;

    /**
     * @param logger  the logger name (the component: relay, agent, demo)
     * @param who     the prefix of every sentence, naming the speaker for a person
     * @param context fields every line carries, as name, value, name, value …
     */
    public EventLog(String logger, String who, Object... context) {
        if (context.length % 2 != 0) {
            throw new IllegalArgumentException("context fields come in name, value pairs");
        }
        this.logger = LoggerFactory.getLogger(logger);
        this.who = who;
        this.context = context.clone();
    }

    /** The same speaker talking about something narrower: more fields, a longer prefix. */
    public EventLog with(String whoSuffix, Object... fields) {
        Object[] all = new Object[context.length + fields.length];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(fields, 0, all, context.length, fields.length);
        return new EventLog(logger.getName(), who + " " + whoSuffix, all);
    }

    public void info(Event event, String sentence, Object... fields) {
        log(logger.atInfo(), event, sentence, fields);
    }

    public void warn(Event event, String sentence, Object... fields) {
        log(logger.atWarn(), event, sentence, fields);
    }

    /**
     * Like {@link #info}, for events a client can cause at will (refusals, protocol errors): the
     * first few of a kind per ten seconds are written, the rest summarised in one line.
     */
    public void infoLimited(Event event, String sentence, Object... fields) {
        if (REPEATS.admit(logger.getName() + "/" + event.key(), this::summarise)) {
            info(event, sentence, fields);
        }
    }

    /**
     * Like {@link #infoLimited}, counted per source (a client identity or address): for events
     * every client causes now and then (sessions started and ended), so many clients are all
     * heard while one client doing it in a loop is summarised.
     */
    public void infoLimitedPer(String source, Event event, String sentence, Object... fields) {
        if (REPEATS.admit(logger.getName() + "/" + event.key() + " from " + source, this::summarise)) {
            info(event, sentence, fields);
        }
    }

    private void summarise(String kind, long suppressed, long windowMillis) {
        String what = kind.substring(kind.indexOf('/') + 1);
        int space = what.indexOf(' ');
        logger.atInfo().addKeyValue("event", space < 0 ? what : what.substring(0, space))
                .addKeyValue("suppressed", suppressed)
                .log(String.format("%s: … and %,d more like it (%s) in the last %d s", who, suppressed, what,
                        windowMillis / 1000));
    }

    public void debug(Event event, String sentence, Object... fields) {
        if (logger.isDebugEnabled()) {
            log(logger.atDebug(), event, sentence, fields);
        }
    }

    public boolean debugEnabled() {
        return logger.isDebugEnabled();
    }

    private void log(LoggingEventBuilder b, Event event, String sentence, Object[] fields) {
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("fields come in name, value pairs");
        }
        if (event != null) {
            b = b.addKeyValue("event", event.key());
        }
        for (int i = 0; i < context.length; i += 2) {
            b = b.addKeyValue((String) context[i], context[i + 1]);
        }
        for (int i = 0; i < fields.length; i += 2) {
            b = b.addKeyValue((String) fields[i], fields[i + 1]);
        }
        b.log(who + ": " + sentence);
    }
}
