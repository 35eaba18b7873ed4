package io.reconnector.edge;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
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

    /**
     * {@code options} with metrics on: Vert.x's and the JVM's, into this registry. Not Vert.x's
     * per-socket ones ({@code vertx_net_client_*}, {@code vertx_net_server_*}): they record
     * every read and write and every socket opened, which cost a fifth of the connection setup
     * rate through an agent and a relay (1,340 against 1,600 a second, measured); ours count
     * what an operator watches ({@code reconnector_connections}, {@code reconnector_bytes_total}).
     */
    public VertxOptions enable(VertxOptions options) {
        return options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
                .addDisabledMetricsCategory(MetricsDomain.NET_SERVER));
    }

    /** A Vert.x builder reporting into this registry (call {@link #enable} on its options too). */
    public VertxBuilder builder(VertxOptions options) {
        return io.vertx.core.Vertx.builder().with(enable(options)).withMetrics(new MicrometerMetricsFactory(registry));
    }
}
