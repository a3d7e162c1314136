package io.floodwatch.detector.rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

import io.floodwatch.detector.config.FloodwatchConfig;

/** The setting of the overload rule: each route's capacity in requests per second ({@code rule.endpoint.capacities}). */
public final class Capacities {

    private Capacities() {
    }

    /**
     * Parses {@code METHOD /route=rate} entries.
     *
     * @throws ConfigException naming the first entry that is not one
     */
    public static Map<String, Double> parse(List<String> entries) {
        Map<String, Double> capacities = new HashMap<>();
        for (String entry : entries) {
            int equals = entry.lastIndexOf('=');
            try {
                if (equals <= 0) {
                    throw new NumberFormatException("no '='");
                }
                double rate = Double.parseDouble(entry.substring(equals + 1).strip());
                if (!(rate > 0)) {
                    throw new NumberFormatException("not positive");
                }
                capacities.put(entry.substring(0, equals).strip(), rate);
            } catch (NumberFormatException e) {
                throw new ConfigException(FloodwatchConfig.CAPACITIES_CONFIG, entry,
                    "expected 'METHOD /route=requests per second', e.g. 'POST /api/v1/chat/completions=3000'");
            }
        }
        return capacities;
    }
}
