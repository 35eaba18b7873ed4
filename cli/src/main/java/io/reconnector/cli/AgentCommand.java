package io.reconnector.cli;

import io.reconnector.agent.Agent;
import io.reconnector.agent.AgentOptions;
import io.reconnector.agent.ForwardSpec;
import io.reconnector.edge.HostPort;
import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the laptop agent: SOCKS5 and forwards whose connections survive a broken link.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--relay", required = true, converter = Converters.HostPortConverter.class,
            description = "the relay (or the load balancer in front of relays), HOST:PORT")
    HostPort relay;

    @Option(names = "--client-id", defaultValue = "-1", description = "session client id, 0..4294967295 (default: random)")
    long clientId;

    @Option(names = "--socks", converter = Converters.HostPortConverter.class,
            description = "serve SOCKS5 here, HOST:PORT (e.g. 127.0.0.1:1080)")
    HostPort socks;

    @Option(names = "--forward", converter = Converters.ForwardConverter.class,
            description = "[BIND:]LPORT:IP:RPORT, like ssh -L (repeatable)")
    List<ForwardSpec> forwards = new ArrayList<>();

    @Option(names = "--keepalive", converter = Converters.DurationConverter.class, defaultValue = "2s",
            description = "send a keepalive after this long idle (default ${DEFAULT-VALUE})")
    Duration keepalive;

    @Option(names = "--dead-after", converter = Converters.DurationConverter.class, defaultValue = "7s",
            description = "reconnect when the relay is silent this long (default ${DEFAULT-VALUE}); "
                    + "must exceed the relay's --keepalive")
    Duration deadAfter;

    @Option(names = "--window", converter = Converters.SizeConverter.class, defaultValue = "1m",
            description = "receive window per connection in bytes (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--backoff-max", converter = Converters.DurationConverter.class, defaultValue = "5s",
            description = "longest wait between reconnect attempts (default ${DEFAULT-VALUE})")
    Duration backoffMax;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (socks == null && forwards.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "nothing to serve: give --socks HOST:PORT and/or --forward [BIND:]LPORT:IP:RPORT");
        }
        if (clientId < -1 || clientId > 0xFFFF_FFFFL) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--client-id " + clientId + " is out of range: use 0..4294967295, or leave it out for a random one");
        }
        if (deadAfter.compareTo(keepalive) <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--dead-after must be longer than --keepalive (a few keepalive intervals is right)");
        }
        AgentOptions options = new AgentOptions(relay, clientId, socks, forwards, keepalive, deadAfter, window,
                backoffMax, Duration.ofSeconds(5));
        Vertx vertx = Vertx.vertx(io.reconnector.edge.VertxSetup.options());
        String deployment;
        try {
            deployment = vertx.deployVerticle(new Agent(options)).toCompletionStage().toCompletableFuture().join();
        } catch (RuntimeException e) {
            System.err.println("agent: cannot start: " + rootMessage(e));
            vertx.close();
            return 1;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.undeploy(deployment).eventually(vertx::close).toCompletionStage().toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("agent: did not stop cleanly within 5 s: " + rootMessage(e));
            }
            done.countDown();
        }));
        done.await();
        return 0;
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
