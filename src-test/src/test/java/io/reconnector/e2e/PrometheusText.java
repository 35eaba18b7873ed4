package io.reconnector.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4): every line is a
 * {@code # HELP}, a {@code # TYPE} or a sample {@code name{label="value",…} number}; anything
 * else fails. Returns the samples by their series ({@code name{labels}} as written).
 */
final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + "(?:\\{(?:" + LABEL + "(?:," + LABEL
            + ")*,?)?\\})?) (\\S+)(?: -?\\d+)?");
    private static final Pattern HELP = Pattern.compile("# HELP " + NAME + " .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE " + NAME + " (counter|gauge|histogram|summary|untyped)");

    private PrometheusText() {
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty() || HELP.matcher(line).matches() || TYPE.matcher(line).matches()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("line " + n + " is not Prometheus text: " + line);
            }
            String v = m.group(2);
            double value = switch (v) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(v);
            };
            if (samples.put(m.group(1), value) != null) {
                throw new AssertionError("line " + n + " repeats a series: " + m.group(1));
            }
        }
        return samples;
    }
}
