package io.reconnector.cli;

import io.reconnector.agent.ForwardSpec;
import io.reconnector.edge.Durations;
import io.reconnector.edge.HostPort;
import io.reconnector.relay.AddressRule;
import picocli.CommandLine;

import java.time.Duration;

/** picocli converters whose errors say what is wrong and how to write it instead. */
final class Converters {
    private Converters() {
    }

    private static <T> T convert(java.util.function.Function<String, T> parse, String value) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Converters.convert(Durations::parse, value);
        }
    }

    static final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            return Converters.convert(HostPort::parse, value);
        }
    }

    static final class RuleConverter implements CommandLine.ITypeConverter<AddressRule> {
        @Override
        public AddressRule convert(String value) {
            return Converters.convert(AddressRule::parse, value);
        }
    }

    static final class NameRuleConverter implements CommandLine.ITypeConverter<io.reconnector.relay.NameRule> {
        @Override
        public io.reconnector.relay.NameRule convert(String value) {
            return io.reconnector.relay.NameRule.parse(value);
        }
    }

    static final class ForwardConverter implements CommandLine.ITypeConverter<ForwardSpec> {
        @Override
        public ForwardSpec convert(String value) {
            return Converters.convert(ForwardSpec::parse, value);
        }
    }

    /** Larger byte sizes: {@code 65536}, {@code 512k}, {@code 64m}, {@code 2g}. */
    static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase();
            long mult = 1;
            char unit = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
            if (unit == 'k' || unit == 'm' || unit == 'g') {
                mult = unit == 'k' ? 1L << 10 : unit == 'm' ? 1L << 20 : 1L << 30;
                v = v.substring(0, v.length() - 1);
            }
            try {
                long n = Long.parseLong(v);
                if (n > 0 && n <= Long.MAX_VALUE / mult) {
                    return n * mult;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size; write bytes, or a number "
                    + "with k, m or g, e.g. 65536, 512k, 64m");
        }
    }

    /** Byte sizes: {@code 1048576}, {@code 512k}, {@code 1m}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim().toLowerCase();
            long mult = 1;
            if (v.endsWith("k")) {
                mult = 1024;
                v = v.substring(0, v.length() - 1);
            } else if (v.endsWith("m")) {
                mult = 1024 * 1024;
                v = v.substring(0, v.length() - 1);
            }
            try {
                long n = Long.parseLong(v) * mult;
                if (n >= 256 && n <= 8L << 20) {
                    return (int) n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a window size; give bytes from 256 to 8m, e.g. 1048576, 512k or 1m");
        }
    }
}
