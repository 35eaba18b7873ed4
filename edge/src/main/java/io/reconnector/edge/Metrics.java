package io.reconnector.edge;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * One Prometheus registry per process, holding Vert.x's own metrics ({@code vertx_*}, through
 * its Micrometer SPI), the JVM's ({@code jvm_*}) and ours ({@code reconnector_*}); the admin
 * server serves it as {@code /metrics}.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public MeterRegistry registry() {
        return registry;
    }

    public PrometheusMeterRegistry prometheus() {
        return registry;
    }

    /** {@code options} with metrics on: Vert.x's and the JVM's, into this registry. */
    public VertxOptions enable(VertxOptions options) {
        return options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    }

    /** A Vert.x builder reporting into this registry (call {@link #enable} on its options too). */
    public VertxBuilder builder(VertxOptions options) {
        return io.vertx.core.Vertx.builder().with(enable(options)).withMetrics(new MicrometerMetricsFactory(registry));
    }
}
