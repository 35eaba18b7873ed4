package io.reconnector.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Hazelcast's futures as Vert.x futures on a context, without a thread per call.
 *
 * <p>Hazelcast runs a callback given without an executor ({@code whenComplete}, which is what
 * {@link Future#fromCompletionStage(CompletionStage, Context)} registers) on its default async
 * executor, and on a machine of two cores or fewer — a small pod, CI — that executor starts a
 * new thread for every callback: two per dialled connection on a relay. Here the callback runs
 * where Hazelcast completes the call, and does nothing there but hand the outcome to the context.
 */
public final class HazelcastFutures {
    /** Runs a task on the thread that completes the future: an I/O or partition thread, for a moment. */
    private static final Executor WHERE_COMPLETED = Runnable::run;

    private HazelcastFutures() {
    }

    public static <T> Future<T> on(Context context, CompletionStage<T> stage) {
        Promise<T> promise = Promise.promise();
        stage.whenCompleteAsync((value, failure) -> context.runOnContext(v -> {
            if (failure != null) {
                promise.fail(failure);
            } else {
                promise.complete(value);
            }
        }), WHERE_COMPLETED);
        return promise.future();
    }
}
