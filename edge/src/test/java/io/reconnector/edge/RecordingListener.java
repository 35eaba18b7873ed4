package io.reconnector.edge;

import io.vertx.core.buffer.Buffer;

import java.util.Queue;

/** What a pipe reports, as lines a test can wait for: {@code data:TEXT}, {@code eof}, {@code closed}. */
final class RecordingListener implements PipeListener {
    private final Queue<String> events;

    RecordingListener(Queue<String> events) {
        this.events = events;
    }

    @Override
    public void onData(Buffer data) {
        events.add("data:" + data);
    }

    @Override
    public void onEof() {
        events.add("eof");
    }

    @Override
    public void onClosed(Throwable cause) {
        events.add("closed");
    }
}
