package io.reconnector.cli;

import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import io.reconnector.edge.HostPort;
import io.reconnector.protocol.engine.EngineConfig;
import io.reconnector.relay.RelayNode;
import io.reconnector.relay.NameOptions;
import io.reconnector.relay.RelayOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Run a relay node: accepts agents, opens their connections, keeps sessions across broken links.")
final class RelayCommand implements Callable<Integer> {
    /** More loops than this is a typo, not a machine. */
    private static final int MAX_EVENT_LOOPS = 1024;

    @Option(names = "--listen", converter = Converters.HostPortConverter.class, defaultValue = "127.0.0.1:7000",
            description = "where agents connect (default ${DEFAULT-VALUE})")
    HostPort listen;

    @CommandLine.Mixin
    PolicyFlags policy = new PolicyFlags();

    @Option(names = "--session-ttl", converter = Converters.DurationConverter.class, defaultValue = "15m",
            description = "how long a detached session is kept (default ${DEFAULT-VALUE})")
    Duration sessionTtl;

    @Option(names = "--keepalive", converter = Converters.DurationConverter.class,
            defaultValue = EngineConfig.DEFAULT_KEEPALIVE_SECONDS + "s",
            description = "send a keepalive after this long idle (default ${DEFAULT-VALUE})")
    Duration keepalive;

    @Option(names = "--dead-after", converter = Converters.DurationConverter.class,
            defaultValue = EngineConfig.SERVER_DEFAULT_DEAD_SECONDS + "s",
            description = "drop a transport silent this long (default ${DEFAULT-VALUE})")
    Duration deadAfter;

    @Option(names = "--window", converter = Converters.SizeConverter.class, defaultValue = "1m",
            description = "receive window per connection in bytes (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--node-name", description = "this node's name (default: a random one)")
    String nodeName;

    @CommandLine.Mixin
    ClusterFlags cluster = new ClusterFlags();

    @CommandLine.Mixin
    RelayTlsFlags tls = new RelayTlsFlags();

    @CommandLine.Mixin
    LimitFlags limits = new LimitFlags();

    @Option(names = "--drain-grace", converter = Converters.DurationConverter.class, defaultValue = "30s",
            description = "on SIGTERM, how long sessions with open connections keep being served (default ${DEFAULT-VALUE})")
    Duration drainGrace;

    @Option(names = "--hosts-file", paramLabel = "FILE",
            description = "names agents send are looked up here first (the /etc/hosts format; re-read when it "
                    + "changes), then in the system's resolver")
    java.nio.file.Path hostsFile;

    @Option(names = "--connect-timeout", converter = Converters.DurationConverter.class, defaultValue = "10s",
            description = "upstream dial timeout (default ${DEFAULT-VALUE})")
    Duration connectTimeout;

    @Option(names = "--admin-listen", converter = Converters.HostPortConverter.class, paramLabel = "HOST:PORT",
            description = "serve /metrics (Prometheus), /healthz and /readyz here (plain HTTP: keep it to "
                    + "monitoring); off unless given")
    HostPort adminListen;

    @Option(names = "--proxy-protocol", description = "the client port is behind a balancer that sends a PROXY "
            + "protocol header (v1 or v2): take the client's address from it; connections without one are closed")
    boolean proxyProtocol;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "event loops that serve sessions, each on a core of its own (default: the available "
                    + "processors, here ${DEFAULT-VALUE})")
    int eventLoops = Runtime.getRuntime().availableProcessors();

    @CommandLine.Mixin
    BusyPollFlag busyPoll = new BusyPollFlag();

    @Option(names = "--log-format", defaultValue = "text",
            description = "text (a sentence per line) or json (an object per line); default ${DEFAULT-VALUE}")
    LogFormat logFormat;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Logging.configure(logFormat);
        if (deadAfter.compareTo(keepalive) <= 0) {
            throw Flags.wrong(spec,
                    "--dead-after (" + deadAfter.toMillis() + " ms) must be longer than --keepalive ("
                            + keepalive.toMillis() + " ms); a few keepalive intervals is right");
        }
        if (eventLoops < 1 || eventLoops > MAX_EVENT_LOOPS) {
            throw Flags.wrong(spec, "--event-loops " + eventLoops + " is out of range: give 1 to " + MAX_EVENT_LOOPS
                    + " (one per core is right; the default is the available processors, "
                    + Runtime.getRuntime().availableProcessors() + ")");
        }
        String name = nodeName != null ? nodeName : "relay-" + UUID.randomUUID().toString().substring(0, 8);
        RelayOptions options = new RelayOptions(listen, policy.allow, policy.deny, sessionTtl, keepalive, deadAfter, window, name,
                connectTimeout, drainGrace, tls.files(spec, listen), cluster.options(spec), limits.limits(spec),
                proxyProtocol, adminListen, new NameOptions(Flags.readable(spec, "--hosts-file", hostsFile),
                policy.allowNames, policy.denyNames));
        Duration poll = busyPoll.busyPoll(spec);
        RelayNode node;
        try {
            node = RelayNode.start(options, eventLoops, poll).toCompletionStage().toCompletableFuture().join();
        } catch (RuntimeException e) {
            System.err.println("relay: cannot start: " + AgentCommand.rootMessage(e));
            return 1;
        }
        EventLog log = new EventLog("relay", "relay " + name, "node", name);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info(Event.RELAY_DRAINING, "SIGTERM: draining (grace " + drainGrace.toSeconds() + " s)");
            try {
                node.drain().toCompletionStage().toCompletableFuture().join();
            } catch (RuntimeException e) {
                log.warn(Event.RELAY_DRAINED, "the drain did not finish cleanly: " + AgentCommand.rootMessage(e));
            }
            node.close().toCompletionStage().toCompletableFuture().join();
            log.info(Event.RELAY_STOPPED, "stopped");
            done.countDown();
        }));
        done.await();
        return 0;
    }
}
