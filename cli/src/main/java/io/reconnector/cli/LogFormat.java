package io.reconnector.cli;

/** How relay and agent write their log lines ({@code --log-format}). */
enum LogFormat {
    /** One sentence per line, for a person: time, level, who speaks, what happened. */
    text,
    /** One JSON object per line, for a log pipeline: time, level, logger, message, event and its fields. */
    json
}
