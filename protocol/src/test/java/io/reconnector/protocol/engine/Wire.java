package io.reconnector.protocol.engine;

import io.reconnector.protocol.frame.Ipv4Address;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client and a server engine on a {@link LossyLink}, with each side's effects recorded and
 * the obvious ones carried out: bytes delivered are kept (not consumed until the test says
 * so), reading state is tracked, dials wait for the test.
 */
final class Wire {
    final LossyLink link;
    final List<Effect> clientEffects = new ArrayList<>();
    final List<Effect> serverEffects = new ArrayList<>();
    final Map<Integer, Buffer> clientReceived = new HashMap<>();
    final Map<Integer, Buffer> serverReceived = new HashMap<>();
    final Map<Integer, Boolean> clientReading = new HashMap<>();
    final Map<Integer, Boolean> serverReading = new HashMap<>();
    final Map<Integer, Long> dialTokens = new HashMap<>();

    Wire(EngineConfig config) {
        link = new LossyLink(config, 42, this::onClient, this::onServer);
    }

    private void onClient(List<Effect> effects) {
        for (Effect e : effects) {
            clientEffects.add(e);
            if (e instanceof Effect.Send s) {
                link.clientSent(s.frame());
            }
            track(e, clientReceived, clientReading);
        }
    }

    private void onServer(List<Effect> effects) {
        for (Effect e : effects) {
            serverEffects.add(e);
            if (e instanceof Effect.Send s) {
                link.serverSent(s.frame());
            } else if (e instanceof Effect.OpenUpstream o) {
                dialTokens.put(o.connectionId(), o.token());
            }
            track(e, serverReceived, serverReading);
        }
    }

    private static void track(Effect e, Map<Integer, Buffer> received, Map<Integer, Boolean> reading) {
        if (e instanceof Effect.Deliver d) {
            received.computeIfAbsent(d.connectionId(), k -> Buffer.buffer()).appendBuffer(d.data());
        } else if (e instanceof Effect.PauseReading p) {
            reading.put(p.connectionId(), false);
        } else if (e instanceof Effect.ResumeReading r) {
            reading.put(r.connectionId(), true);
        }
    }

    /** Delivers everything in flight both ways until nothing moves. */
    void settle() {
        for (int i = 0; i < 1_000_000; i++) {
            if (link.deliverToServer(Integer.MAX_VALUE) + link.deliverToClient(Integer.MAX_VALUE) == 0) {
                return;
            }
        }
        throw new AssertionError("the link never settled");
    }

    /** Starts a session and opens one connection, upstream connected; returns its id. */
    int establishWithConnection() {
        link.connect();
        settle();
        int id = link.client.nextFreeConnectionId();
        apply(true, link.client.open(id, Ipv4Address.parse("127.0.0.1"), 9));
        settle();
        apply(false, link.server.upstreamConnected(id, dialTokens.get(id)));
        settle();
        return id;
    }

    void apply(boolean clientSide, List<Effect> effects) {
        if (clientSide) {
            onClient(effects);
        } else {
            onServer(effects);
        }
    }

    SessionEngine engine(boolean clientSide) {
        return clientSide ? link.client : link.server;
    }

    boolean reading(boolean clientSide, int id) {
        return (clientSide ? clientReading : serverReading).getOrDefault(id, false);
    }

    Buffer received(boolean clientSide, int id) {
        return (clientSide ? clientReceived : serverReceived).getOrDefault(id, Buffer.buffer());
    }

    <T extends Effect> List<T> effects(boolean clientSide, Class<T> type) {
        return (clientSide ? clientEffects : serverEffects).stream().filter(type::isInstance).map(type::cast).toList();
    }
}
