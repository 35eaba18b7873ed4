package io.reconnector.cli;

import io.reconnector.edge.Durations;
import io.reconnector.edge.VertxSetup;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;

/** How long an event loop polls before it sleeps: the agent's and the relay's latency knob. */
final class BusyPollFlag {
    @Option(names = "--busy-poll", converter = Converters.DurationConverter.class, paramLabel = "DURATION",
            defaultValue = "100us",
            description = "with nothing to do, an event loop polls its sockets for up to this long before it sleeps, "
                    + "so an answer that comes meanwhile is served without a wake-up; it polls only while its "
                    + "waits are that short, and never with 0 (default ${DEFAULT-VALUE})")
    Duration busyPoll;

    /** The flag's value, once it is known to be in range. */
    Duration busyPoll(CommandLine.Model.CommandSpec spec) {
        if (busyPoll.compareTo(VertxSetup.MAX_BUSY_POLL) > 0) {
            throw Flags.wrong(spec, "--busy-poll " + Durations.format(busyPoll) + " is too long: give 0 (never poll) to "
                    + Durations.format(VertxSetup.MAX_BUSY_POLL) + "; the default, "
                    + Durations.format(VertxSetup.DEFAULT_BUSY_POLL) + ", outlasts a round trip on one host");
        }
        return busyPoll;
    }
}
