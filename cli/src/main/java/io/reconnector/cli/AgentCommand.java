package io.reconnector.cli;

import io.reconnector.agent.Agent;
import io.reconnector.agent.AgentMetrics;
import io.reconnector.agent.AgentOptions;
import io.reconnector.agent.ForwardSpec;
import io.reconnector.edge.AdminServer;
import io.reconnector.edge.Event;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.Metrics;
import io.reconnector.protocol.engine.EngineConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.reconnector.agent.ClientIdFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the laptop agent: SOCKS5 and forwards whose connections survive a broken link.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = ConfigFile.FLAG, paramLabel = "FILE",
            description = "read settings from this TOML file, keys named like the long options (relay = \"HOST:PORT\", "
                    + "forward = [\"…\"]); flags override it (default: ~/.config/reconnector/agent.toml when it exists)")
    Path configFile;

    @Option(names = "--relay", converter = Converters.HostPortConverter.class,
            description = "the relay (or the load balancer in front of relays), HOST:PORT (required)")
    HostPort relay;

    @Option(names = "--client-id", defaultValue = "-1",
            description = "session client id, 0..4294967295 (default: the one kept in --state-dir for this relay)")
    long clientId;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "where the agent keeps its client id per relay, so a restart takes over its old session "
                    + "at once (default: $XDG_STATE_HOME/reconnector or ~/.local/state/reconnector)")
    Path stateDir;

    @Option(names = "--socks", converter = Converters.HostPortConverter.class,
            description = "serve SOCKS5 here, HOST:PORT (e.g. 127.0.0.1:1080)")
    HostPort socks;

    @Option(names = "--http-proxy", converter = Converters.HostPortConverter.class,
            description = "serve an HTTP proxy (CONNECT, as HTTPS_PROXY uses) here, HOST:PORT (e.g. 127.0.0.1:3128)")
    HostPort httpProxy;

    @Option(names = "--forward", converter = Converters.ForwardConverter.class, split = ",",
            description = "[BIND:]LPORT:TARGET:RPORT, like ssh -L; TARGET an IPv4 address, [IPv6] or a name the relay resolves (repeatable)")
    List<ForwardSpec> forwards = new ArrayList<>();

    @Option(names = "--keepalive", converter = Converters.DurationConverter.class,
            defaultValue = EngineConfig.DEFAULT_KEEPALIVE_SECONDS + "s",
            description = "send a keepalive after this long idle (default ${DEFAULT-VALUE})")
    Duration keepalive;

    @Option(names = "--dead-after", converter = Converters.DurationConverter.class,
            defaultValue = EngineConfig.CLIENT_DEFAULT_DEAD_SECONDS + "s",
            description = "reconnect when the relay is silent this long (default ${DEFAULT-VALUE}); "
                    + "must exceed the relay's --keepalive")
    Duration deadAfter;

    @Option(names = "--window", converter = Converters.SizeConverter.class, defaultValue = "1m",
            description = "receive window per connection in bytes (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--backoff-max", converter = Converters.DurationConverter.class, defaultValue = "5s",
            description = "longest wait between reconnect attempts (default ${DEFAULT-VALUE})")
    Duration backoffMax;

    @Option(names = "--connect-timeout", converter = Converters.DurationConverter.class, defaultValue = "10s",
            description = "how long a new connection waits for the relay's answer (offline: for the relay to come back), "
                    + "and how long dialling the relay may take, before it fails (default ${DEFAULT-VALUE})")
    Duration connectTimeout;

    @CommandLine.Mixin
    BusyPollFlag busyPoll = new BusyPollFlag();

    @Option(names = "--max-local-connections", defaultValue = "" + AgentOptions.DEFAULT_MAX_LOCAL_CONNECTIONS,
            description = "local connections taken at once over all listeners; more are refused (default ${DEFAULT-VALUE})")
    int maxLocalConnections;

    @CommandLine.Mixin
    AgentTlsFlags tls = new AgentTlsFlags();

    @Option(names = "--admin-listen", converter = Converters.HostPortConverter.class, paramLabel = "HOST:PORT",
            description = "serve /metrics, /healthz and /readyz (ready: attached to the relay) here; off unless given")
    HostPort adminListen;

    @Option(names = "--status-listen", paramLabel = "HOST:PORT|off",
            description = "serve the agent's state for 'reconnector status' here, on loopback only "
                    + "(default 127.0.0.1:7091; 'off' for nowhere)")
    String statusListen;

    @Option(names = "--print-service", paramLabel = "systemd|launchd",
            description = "print a service file that runs this agent at login (a systemd user unit or a launchd plist, "
                    + "with this installation's paths) and exit; settings come from the config file")
    ServiceFile printService;

    /** A training run: start, let the first attempt at the relay happen, stop (the class archive is made so). */
    @Option(names = "--exit-when-ready", hidden = true)
    boolean exitWhenReady;

    @Option(names = "--log-format", defaultValue = "text",
            description = "text (a sentence per line) or json (an object per line); default ${DEFAULT-VALUE}")
    LogFormat logFormat;

    /**
     * The agent runs on one event loop; its workers only look up names (for a seed-only relay)
     * and check the local address now and then.
     */
    private static final int AGENT_WORKERS = 2;
    /** How long a training run (--exit-when-ready) lives after it is ready. */
    private static final long WARM_UP_MILLIS = 600;

    /** How long Ctrl-C waits for the agent to end its session, then for Vert.x to close. */
    private static final long STOP_STEP_MILLIS = 1500;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (printService != null) {
            spec.commandLine().getOut().print(printService.render());
            spec.commandLine().getOut().flush();
            return 0;
        }
        StartupWarmUp.await();
        Logging.configure(logFormat);
        if (relay == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no relay: give --relay HOST:PORT"
                    + (configFile == null ? "" : ", or relay = \"HOST:PORT\" in " + configFile));
        }
        if (socks == null && httpProxy == null && forwards.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "nothing to serve: give --socks HOST:PORT, "
                    + "--http-proxy HOST:PORT and/or --forward [BIND:]LPORT:TARGET:RPORT");
        }
        if (clientId < -1 || clientId > 0xFFFF_FFFFL) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--client-id " + clientId + " is out of range: use 0..4294967295, or leave it out for a random one");
        }
        if (deadAfter.compareTo(keepalive) <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--dead-after must be longer than --keepalive (a few keepalive intervals is right)");
        }
        AgentOptions.StatusListen status = statusListen(spec, statusListen);
        ClientIdFile idFile = null; // held (locked) until the agent exits
        if (clientId < 0) {
            Path dir = stateDir != null ? stateDir : defaultStateDir();
            try {
                idFile = ClientIdFile.open(dir, relay);
            } catch (java.io.IOException e) {
                System.err.println("agent: cannot keep the client id in " + dir + ": " + e.getMessage());
                return 1;
            }
            clientId = idFile.clientId();
        }
        if (configFile != null) {
            new io.reconnector.edge.EventLog("agent", "agent").info(Event.CONFIG_READ, "settings from " + configFile
                    + " (flags override it)", "file", configFile.toString());
        }
        AgentOptions options = new AgentOptions(relay, clientId, socks, httpProxy, forwards, keepalive, deadAfter, window,
                backoffMax, connectTimeout, tls.tls(spec, relay), maxLocalConnections, status);
        Duration poll = busyPoll.busyPoll(spec);
        // Prometheus and Vert.x's metrics only when someone scrapes them: they are most of what an
        // agent would otherwise load at start for nothing.
        Metrics metrics = adminListen == null ? null : new Metrics();
        VertxOptions vertxOptions = io.reconnector.edge.VertxSetup.options().setEventLoopPoolSize(1)
                .setWorkerPoolSize(AGENT_WORKERS).setInternalBlockingPoolSize(AGENT_WORKERS);
        Vertx vertx = io.reconnector.edge.VertxSetup.agent(metrics == null ? Vertx.builder().with(vertxOptions)
                : metrics.builder(vertxOptions), poll).build();
        AgentMetrics agentMetrics = metrics == null ? new AgentMetrics() : new AgentMetrics(metrics.registry());
        String deployment;
        try {
            deployment = vertx.deployVerticle(new Agent(options, agentMetrics)).toCompletionStage().toCompletableFuture().join();
            if (adminListen != null) {
                int port = new AdminServer(vertx, metrics).readyWhen("relay", agentMetrics::attached).listen(adminListen)
                        .toCompletionStage().toCompletableFuture().join();
                new io.reconnector.edge.EventLog("agent", "agent").info(Event.ADMIN_LISTENING, "admin on "
                        + adminListen.host() + ":" + port + " (/metrics, /healthz, /readyz)", "port", port);
            }
        } catch (RuntimeException e) {
            System.err.println("agent: cannot start: " + rootMessage(e));
            vertx.close();
            return 1;
        }
        ClientIdFile keptId = idFile;
        if (exitWhenReady) {
            Thread.sleep(WARM_UP_MILLIS); // a training run, not a test: the first reconnect's classes load
            vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().join();
            vertx.close().toCompletionStage().toCompletableFuture().join(); // not chained: a closed Vert.x completes nothing
            closeQuietly(keptId);
            return 0;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Stopping the agent ends its session on the relay (it prints one line); then Vert.x
            // closes. Each step is bounded, so Ctrl-C never hangs on an unreachable relay.
            try {
                vertx.undeploy(deployment).toCompletionStage().toCompletableFuture()
                        .get(STOP_STEP_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                System.err.println("agent: the relay did not confirm the end of the session in time; it will expire there");
            } catch (Exception e) {
                System.err.println("agent: stopping failed: " + rootMessage(e));
            }
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(STOP_STEP_MILLIS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // The process is exiting anyway; threads that did not stop in time end with it.
                System.err.println("agent: Vert.x did not close cleanly: " + rootMessage(e));
            }
            closeQuietly(keptId);
            done.countDown();
        }, "agent-stop"));
        done.await();
        return 0;
    }

    /** The status address: default, 'off', or a loopback HOST:PORT (it shows destinations: never on a network). */
    static AgentOptions.StatusListen statusListen(CommandLine.Model.CommandSpec spec, String flag) {
        if (flag == null) {
            return new AgentOptions.StatusListen(AgentOptions.DEFAULT_STATUS, false);
        }
        if (flag.equalsIgnoreCase("off")) {
            return null;
        }
        HostPort at;
        try {
            at = new Converters.HostPortConverter().convert(flag);
        } catch (Exception e) {
            throw Flags.wrong(spec, "--status-listen " + flag + ": " + e.getMessage());
        }
        if (!io.reconnector.edge.Tls.isLoopback(at.host())) {
            throw Flags.wrong(spec, "--status-listen " + flag + ": the status shows every destination, so it is served "
                    + "on loopback only; use 127.0.0.1:PORT or [::1]:PORT, or 'off'");
        }
        return new AgentOptions.StatusListen(at, true);
    }

    /** {@code $XDG_CONFIG_HOME/reconnector/agent.toml}, or under {@code ~/.config}. */
    static Path defaultConfigFile() {
        return xdg("XDG_CONFIG_HOME", ".config").resolve("reconnector").resolve("agent.toml");
    }

    /** {@code $XDG_STATE_HOME/reconnector}, or {@code ~/.local/state/reconnector}. */
    static Path defaultStateDir() {
        return xdg("XDG_STATE_HOME", ".local/state").resolve("reconnector");
    }

    private static Path xdg(String variable, String underHome) {
        String set = System.getenv(variable);
        return set != null && !set.isBlank() ? Path.of(set) : Path.of(System.getProperty("user.home")).resolve(underHome);
    }

    private static void closeQuietly(ClientIdFile f) {
        if (f != null) {
            try {
                f.close();
            } catch (java.io.IOException e) {
                // the process is exiting: the lock goes with it
            }
        }
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
