package io.reconnector.store;

/**
 * One connection of a session as the cluster knows it. It is recorded (DIALLING) before its
 * upstream socket is opened, so a node taking over a session never dials it a second time.
 */
public record ConnectionRecord(int id, String address, int port, String homeNode, State state) {
    public enum State {
        DIALLING, OPEN, CLOSING
    }

    public ConnectionRecord withState(State next) {
        return new ConnectionRecord(id, address, port, homeNode, next);
    }
}
