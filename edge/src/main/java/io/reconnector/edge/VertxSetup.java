package io.reconnector.edge;

import io.vertx.core.VertxOptions;

/** How both sides configure Vert.x: the native transport where the platform has it. */
public final class VertxSetup {
    private VertxSetup() {
    }

    public static VertxOptions options() {
        return new VertxOptions().setPreferNativeTransport(true);
    }
}
