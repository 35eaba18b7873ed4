package io.reconnector.relay;

import io.reconnector.edge.PipeListener;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.Payloads;
import io.reconnector.store.ConnectionRecord;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's upstream connections on its home node, one entry per connection: what the
 * cluster records of it and, once dialled, its socket. One map, so the record and the socket
 * of a connection can never disagree about whether it exists.
 */
final class UpstreamTable {

    /** What an upstream socket reports, while its entry is still in the table. */
    interface Events {
        void data(Upstream u, Buffer data);

        void eof(Upstream u);

        /**
         * The socket closed. {@code abort} when that came before the destination's FIN: it reset
         * the connection or failed ({@code cause}, null when it is not known).
         */
        void closed(Upstream u, boolean abort, Throwable cause);
    }

    /** One connection: recorded from the moment it is asked for, with a socket once dialled. */
    final class Upstream implements PipeListener {
        final int id;
        /** The engine's name for this dial; a dial result quoting another token is stale. */
        final long dialToken;
        private ConnectionRecord record;
        private SocketPipe pipe;
        private boolean eofSeen;

        private Upstream(int id, long dialToken, ConnectionRecord record) {
            this.id = id;
            this.dialToken = dialToken;
            this.record = record;
        }

        SocketPipe pipe() {
            return pipe;
        }

        ConnectionRecord record() {
            return record;
        }

        /** The dial succeeded: the socket is this connection's from now on. */
        void connected(SocketPipe socket) {
            this.pipe = socket;
            this.record = record.withState(ConnectionRecord.State.OPEN);
            socket.listen(this);
        }

        private boolean current() {
            return byId.get(id) == this;
        }

        @Override
        public void onData(Buffer data) {
            if (current()) {
                events.data(this, data); // the engine takes the read over
            } else {
                Payloads.release(data);
            }
        }

        @Override
        public void onEof() {
            eofSeen = true;
            if (current()) {
                events.eof(this);
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            if (current()) {
                byId.remove(id);
                events.closed(this, !eofSeen, cause);
            }
        }
    }

    private final Map<Integer, Upstream> byId = new LinkedHashMap<>();
    private final Events events;

    UpstreamTable(Events events) {
        this.events = events;
    }

    /** A connection the client asked for, about to be dialled. */
    Upstream dialling(int id, long dialToken, ConnectionRecord record) {
        Upstream u = new Upstream(id, dialToken, record);
        byId.put(id, u);
        return u;
    }

    Upstream get(int id) {
        return byId.get(id);
    }

    /** The socket of connection {@code id}, if it has one. */
    SocketPipe socket(int id) {
        Upstream u = byId.get(id);
        return u == null ? null : u.pipe;
    }

    /** Is {@code u} still the entry for its id (not closed, not replaced by a reused id)? */
    boolean holds(Upstream u) {
        return byId.get(u.id) == u;
    }

    Upstream remove(int id) {
        return byId.remove(id);
    }

    /** Every entry, removed: the caller closes their sockets. */
    List<Upstream> removeAll() {
        List<Upstream> all = new ArrayList<>(byId.values());
        byId.clear();
        return all;
    }

    /** What the session record holds of the connections. */
    List<ConnectionRecord> records() {
        List<ConnectionRecord> out = new ArrayList<>(byId.size());
        for (Upstream u : byId.values()) {
            out.add(u.record);
        }
        return out;
    }

    Collection<Upstream> all() {
        return byId.values();
    }

    int size() {
        return byId.size();
    }
}
