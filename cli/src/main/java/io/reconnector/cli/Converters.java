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

    static final class ForwardConverter implements CommandLine.ITypeConverter<ForwardSpec> {
        @Override
        public ForwardSpec convert(String value) {
            return Converters.convert(ForwardSpec::parse, value);
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
