package io.reconnector.e2e;

import io.reconnector.edge.Event;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An agent process, started, with what it reported at start: its client id and the ports it bound. */
record AgentProc(Proc proc, long clientId, List<Integer> forwardPorts, int socksPort) {

    /** Starts {@code reconnector agent ARGS} and waits until it has its first session. */
    static AgentProc start(List<String> args, Duration timeout) throws Exception {
        Proc agent = Proc.start("agent", args);
        long clientId = agent.await(Event.AGENT_READY, timeout).getLong("client_id");
        List<Integer> forwards = new ArrayList<>();
        int socks = -1;
        for (JsonObject bound : agent.events(Event.LISTENER_BOUND)) {
            if ("socks".equals(bound.getString("kind"))) {
                socks = bound.getInteger("port");
            } else {
                forwards.add(bound.getInteger("port"));
            }
        }
        agent.await(Event.NEW_SESSION, timeout);
        return new AgentProc(agent, clientId, List.copyOf(forwards), socks);
    }
}
