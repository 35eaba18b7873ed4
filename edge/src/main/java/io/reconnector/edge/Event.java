package io.reconnector.edge;

import java.util.Locale;

/**
 * The things relay and agent report, each with a stable name. A log line about one of them
 * carries the name in its {@code event} field (and the ids it concerns in fields of their
 * own), so scripts, dashboards and tests match on names and fields, never on the wording a
 * person reads.
 */
public enum Event {
    // --- relay ---
    RELAY_LISTENING,
    /** This node's view of the cluster changed: members joined or left (said at start too). */
    CLUSTER_MEMBERS,
    /** The admin port (metrics, health) is listening. */
    ADMIN_LISTENING,
    RELAY_DRAINING,
    RELAY_DRAINED,
    RELAY_STOPPED,
    SESSION_STARTED,
    SESSION_RESUMED,
    SESSION_REJECTED,
    SESSION_ENDED,
    /** A session homed on another node moved here (idle handover). */
    SESSION_MOVED_IN,
    /** A session homed here moved to another node (idle handover). */
    SESSION_HANDED_OVER,
    /** This node made itself a session's home from its record. */
    SESSION_TAKEN_OVER,
    /** A client transport is piped raw to its session's home on another node. */
    TRANSPORT_FORWARDED,
    TRANSPORT_CLOSED,
    PROTOCOL_ERROR,
    CONNECTION_REFUSED,
    CONNECTION_ABORTED,
    RECORD_WRITE_FAILED,
    /** A session record failed its seal: altered or forged without the cluster secret. */
    RECORD_REFUSED,
    STORE_UNAVAILABLE,
    /** What the destination policy allows, said once at start-up (nothing, or any on purpose). */
    DESTINATION_POLICY,
    /** A limit refused a session, a connection or a transport. */
    LIMIT_REFUSED,
    /** A transport was refused before any frame: revoked, unnamed, or a forged hop. */
    TRANSPORT_REFUSED,
    /** The TLS files or the revocation list changed (or could not be used). */
    TLS_RELOADED,
    /** A control message on the event bus failed its authentication. */
    CONTROL_REFUSED,
    // --- agent ---
    AGENT_READY,
    /** The agent read its settings from a config file. */
    CONFIG_READ,
    AGENT_STOPPED,
    LISTENER_BOUND,
    /** The agent serves its status for {@code reconnector status} (port -1: it could not). */
    STATUS_LISTENING,
    RELAY_LOST,
    RECONNECTING,
    RESUMED,
    /** The agent learned whether its relay resolves names (the names-and-IPv6 extension). */
    RELAY_EXTENSIONS,
    NEW_SESSION,
    REJECTED,
    /** A local connection waited --connect-timeout for the relay's answer and was failed. */
    CONNECT_TIMED_OUT,
    /** The agent dropped a transport that is probably dead: it woke from sleep, or its local address went away. */
    LINK_SUSPECT;

    private final String key = name().toLowerCase(Locale.ROOT).replace('_', '.');

    /** The stable name, e.g. {@code session.resumed}. */
    public String key() {
        return key;
    }
}
