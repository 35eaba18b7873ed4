package io.reconnector.relay;

import java.io.Serializable;

/** A relay node as the cluster knows it: where its peer port is, and which member it is. */
public record NodeInfo(String name, String peerHost, int peerPort, String memberId) implements Serializable {
}
