package io.reconnector.relay;

/** Why the relay closes a client transport (the session, if any, only detaches). */
enum TransportClose {
    NEWER_TRANSPORT("a newer transport took the session over"),
    HANDSHAKE_TIMEOUT("no session handshake within the dead interval"),
    PROTOCOL_ERROR("protocol error"),
    TOO_MANY_EARLY_FRAMES("too many frames before the handshake was answered"),
    SILENT("nothing received for the dead interval"),
    SESSION_MOVED("the session moved to another node; reconnect"),
    SESSION_ENDED("the session ended"),
    DRAINING("the node is draining; reconnect elsewhere"),
    STORE_UNAVAILABLE("the session store is unavailable; try again"),
    ROUTE_UNSETTLED("the session keeps changing hands; try again"),
    HOP_CLOSED("the hop to the session's home closed"),
    PEER_REFUSED("refused on the peer port"),
    REJECTED("the session was rejected"),
    REVOKED("the client's certificate or identity was revoked"),
    LIMIT("a limit was reached"),
    RELAY_STOPPING("the relay is stopping");

    private final String description;

    TransportClose(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }
}
