package io.reconnector.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Map;

/**
 * Sets up logging for a command: everything — ours, Vert.x's, Netty's, Hazelcast's and
 * anything on java.util.logging — goes through SLF4J to one Logback appender on standard
 * output, in the chosen {@link LogFormat}.
 */
final class Logging {
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %msg%n";

    /**
     * Third-party loggers and their levels. A member that dies is reported by Hazelcast's and
     * the event bus's networking with stack traces; the relay says it in one line of its own.
     * Micrometer warns when Vert.x registers a connection gauge it already has (a known
     * vertx-micrometer-metrics issue, #259; the gauge still counts right): not an operator's concern.
     */
    private static final Map<String, Level> QUIET = Map.of(
            "com.hazelcast", Level.WARN,
            "com.hazelcast.internal", Level.ERROR,
            "com.hazelcast.cp", Level.ERROR,
            "io.netty", Level.WARN,
            "io.vertx", Level.WARN,
            "io.vertx.core.eventbus", Level.ERROR,
            "io.micrometer.core.instrument.MeterRegistry", Level.ERROR);

    private Logging() {
    }

    /** Called first thing in main, before any library looks for its logger. */
    static void routeLibraries() {
        System.setProperty("hazelcast.logging.type", "slf4j");
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    static void configure(LogFormat format) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        install(ctx, format);
    }

    /**
     * Logback's first configuration, found through its service loader instead of a logback.xml:
     * the text format until a command chooses. Parsing XML (Joran, a SAX parser and some 600
     * classes) cost the agent about a tenth of a second at every start.
     */
    public static final class Defaults extends ch.qos.logback.core.spi.ContextAwareBase
            implements ch.qos.logback.classic.spi.Configurator {
        @Override
        public ExecutionStatus configure(LoggerContext ctx) {
            if (System.getProperty("logback.configurationFile") != null) {
                return ExecutionStatus.INVOKE_NEXT_IF_ANY; // a file asked for by name (the tests) wins
            }
            install(ctx, LogFormat.text);
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
    }

    private static void install(LoggerContext ctx, LogFormat format) {
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setName("out");
        out.setEncoder(encoder(format, ctx));
        out.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(out);
        QUIET.forEach((name, level) -> ctx.getLogger(name).setLevel(level));
        StandaloneWarningFilter standalone = new StandaloneWarningFilter();
        standalone.start();
        ctx.addTurboFilter(standalone);
        if (Boolean.getBoolean("reconnector.debug")) {
            ctx.getLogger("relay").setLevel(Level.DEBUG);
            ctx.getLogger("agent").setLevel(Level.DEBUG);
            ctx.getLogger("com.hazelcast").setLevel(Level.INFO); // joins, members, discovery
        }
    }

    /**
     * A relay started without cluster members is a cluster of one on purpose; Hazelcast warns
     * "No join method is enabled! Starting standalone." at every such start. Only that line goes.
     */
    static final class StandaloneWarningFilter extends ch.qos.logback.classic.turbo.TurboFilter {
        @Override
        public ch.qos.logback.core.spi.FilterReply decide(org.slf4j.Marker marker, ch.qos.logback.classic.Logger logger,
                                                          Level level, String format, Object[] params, Throwable t) {
            return format != null && logger.getName().equals("com.hazelcast.instance.impl.Node")
                    && format.contains("No join method is enabled")
                    ? ch.qos.logback.core.spi.FilterReply.DENY : ch.qos.logback.core.spi.FilterReply.NEUTRAL;
        }
    }

    private static Encoder<ILoggingEvent> encoder(LogFormat format, LoggerContext ctx) {
        return switch (format) {
            case text -> {
                PatternLayoutEncoder e = new PatternLayoutEncoder();
                e.setContext(ctx);
                e.setPattern(TEXT_PATTERN);
                e.start();
                yield e;
            }
            case json -> {
                LogstashEncoder e = new LogstashEncoder();
                e.setContext(ctx);
                e.getFieldNames().setTimestamp("time");
                e.getFieldNames().setVersion("[ignore]");
                e.getFieldNames().setLevelValue("[ignore]");
                e.getFieldNames().setLogger("logger");
                e.getFieldNames().setThread("thread");
                e.start();
                yield e;
            }
        };
    }
}
