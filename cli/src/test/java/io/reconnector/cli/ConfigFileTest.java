package io.reconnector.cli;

import io.reconnector.agent.ForwardSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFileTest {
    @TempDir
    Path dir;

    private AgentCommand parse(String toml, String... flags) throws IOException {
        Path file = dir.resolve("agent.toml");
        Files.writeString(file, toml);
        AgentCommand agent = new AgentCommand();
        CommandLine line = new CommandLine(agent);
        line.setDefaultValueProvider(ConfigFile.read(line.getCommandSpec(), file));
        line.parseArgs(flags);
        return agent;
    }

    private String refusal(String toml) {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> parse(toml));
        return e.getMessage();
    }

    @Test
    void keysAreTheLongOptionNames() throws IOException {
        AgentCommand a = parse("""
                relay = "relay.example:7000"
                socks = "127.0.0.1:1080"
                forward = ["5432:127.0.0.1:5432", "127.0.0.1:8080:127.0.0.1:80"]
                connect-timeout = "3s"
                max-local-connections = 99
                """);
        assertEquals("relay.example", a.relay.host());
        assertEquals(7000, a.relay.port());
        assertEquals(1080, a.socks.port());
        assertEquals(List.of(5432, 8080), a.forwards.stream().map(ForwardSpec::localPort).toList());
        assertEquals(Duration.ofSeconds(3), a.connectTimeout);
        assertEquals(99, a.maxLocalConnections);
    }

    @Test
    void flagsOverrideTheFileAndAListOfFlagsReplacesTheFilesList() throws IOException {
        AgentCommand a = parse("""
                relay = "relay.example:7000"
                forward = ["5432:127.0.0.1:5432", "8080:127.0.0.1:80"]
                connect-timeout = "3s"
                """, "--relay", "127.0.0.1:7001", "--forward", "9000:127.0.0.1:9000");
        assertEquals(7001, a.relay.port());
        assertEquals(List.of(9000), a.forwards.stream().map(ForwardSpec::localPort).toList());
        assertEquals(Duration.ofSeconds(3), a.connectTimeout, "what no flag names still comes from the file");
    }

    @Test
    void whatTheFileDoesNotSayKeepsItsDefault() throws IOException {
        AgentCommand a = parse("relay = \"relay.example:7000\"\n");
        assertEquals(Duration.ofSeconds(10), a.connectTimeout);
        assertNull(a.socks);
    }

    @Test
    void anUnknownKeyIsRefusedWithWhatWasMeant() {
        String m = refusal("sock = \"127.0.0.1:1080\"\n");
        assertTrue(m.contains("'sock'") && m.contains("did you mean socks"), m);
    }

    @Test
    void tablesListsForOneValueAndBrokenTomlAreRefused() {
        assertTrue(refusal("[agent]\nrelay = \"a:1\"\n").contains("write every key at the top"));
        assertTrue(refusal("relay = [\"a:1\", \"b:2\"]\n").contains("takes one value"));
        String broken = refusal("relay = \"a:1\nsocks = 1\n");
        assertTrue(broken.contains("is not valid TOML") && broken.contains("line"), broken);
    }

    @Test
    void theFileNamedOnTheCommandLineWinsOverTheDefaultOne() {
        Path fallback = dir.resolve("absent.toml");
        assertNull(ConfigFile.named(new String[] {"agent", "--relay", "a:1"}, fallback));
        assertEquals(Path.of("x.toml"), ConfigFile.named(new String[] {"agent", "--config", "x.toml"}, fallback));
        assertEquals(Path.of("y.toml"), ConfigFile.named(new String[] {"agent", "--config=y.toml"}, fallback));
    }
}
