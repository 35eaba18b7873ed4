package io.reconnector.e2e;

import io.reconnector.protocol.engine.Mutation;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Ipv4Address;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.StartSession;
import io.vertx.core.buffer.Buffer;

import java.util.Random;
import java.util.function.LongPredicate;

/**
 * Client streams as a broken or hostile client sends them: a handshake for a session of its
 * own, then connections, data, acks and closes, some frames mutated; or plain garbage.
 */
final class MutatedStreams {
    private static final Ipv4Address LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private static final double[] MUTATION_RATES = {0, 0.05, 0.3};

    private final Random random;
    private final int destinationPort;
    private final LongPredicate forbiddenClientId;

    /**
     * @param destinationPort   where its connections go (a loopback echo server)
     * @param forbiddenClientId client ids it must not use (the session under test is not its to take)
     */
    MutatedStreams(long seed, int destinationPort, LongPredicate forbiddenClientId) {
        this.random = new Random(seed);
        this.destinationPort = destinationPort;
        this.forbiddenClientId = forbiddenClientId;
    }

    Buffer next() {
        if (random.nextInt(10) == 0) {
            byte[] garbage = new byte[1 + random.nextInt(4096)];
            random.nextBytes(garbage);
            return Buffer.buffer(garbage);
        }
        double rate = MUTATION_RATES[random.nextInt(MUTATION_RATES.length)];
        long clientId;
        do {
            clientId = random.nextInt() & 0xFFFF_FFFFL;
        } while (forbiddenClientId.test(clientId));
        Buffer out = Buffer.buffer();
        append(out, random.nextInt(4) == 0 ? new ReconnectSession(clientId, random.nextInt(0x10000))
                : new StartSession(clientId), 0);
        int id = 0;
        int connections = 0;
        int frames = random.nextInt(40);
        for (int i = 0; i < frames; i++) {
            int window = random.nextInt(0x10000);
            int conn = connections == 0 ? 1 : 1 + random.nextInt(connections);
            Frame f = switch (random.nextInt(6)) {
                case 0 -> new NewConnection(id++, ++connections, LOOPBACK, random.nextBoolean() ? destinationPort : 9);
                case 1, 2 -> {
                    byte[] payload = new byte[1 + random.nextInt(random.nextBoolean() ? 100 : 20_000)];
                    random.nextBytes(payload);
                    yield new Data(id++, conn, window, Buffer.buffer(payload));
                }
                case 3 -> new Ack(random.nextInt(4), window);
                case 4 -> new Keepalive(id - 1 & 0xFFFF, conn, window);
                default -> random.nextBoolean() ? new ConnectionEof(id++, conn) : new ConnectionClosed(id++, conn);
            };
            append(out, f, rate);
        }
        return out;
    }

    private void append(Buffer out, Frame f, double rate) {
        Buffer encoded = f.encode();
        out.appendBuffer(random.nextDouble() < rate ? Mutation.apply(encoded, random) : encoded);
    }
}
