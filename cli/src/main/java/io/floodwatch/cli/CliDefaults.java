package io.floodwatch.cli;

import java.util.Map;

import io.floodwatch.detector.config.FloodwatchConfig;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The one place of the command line's defaults, for the options of the shared mixins ({@link BrokerOption},
 * {@link SpeedOption}) and the topic options: each option names its default by its description key. Topic names and
 * the broker port are the detector's own defaults, so the tools and the detector agree without repeating them.
 */
final class CliDefaults implements IDefaultValueProvider {

    /** Description key of the brokers a tool talks to. */
    static final String BROKER = "broker";
    /** Description key of a publishing pace. */
    static final String SPEED = "speed";

    /** The brokers tools use when none are given: the embedded broker's default address. */
    static final String BOOTSTRAP = "127.0.0.1:" + detectorDefault(FloodwatchConfig.EMBEDDED_PORT_CONFIG);

    /** Each command's pace: a live feed is real time; a demo is quick; replays and evaluations go as one backlog. */
    private static final Map<String, String> SPEEDS = Map.of("simulate", "realtime", "demo", "10x", "replay", "max",
        "evaluate", "max");

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.descriptionKey() == null) {
            return null;
        }
        return switch (option.descriptionKey()) {
            case BROKER -> BOOTSTRAP;
            case SPEED -> SPEEDS.get(option.command().name());
            case FloodwatchConfig.TOPIC_REQUESTS_CONFIG, FloodwatchConfig.TOPIC_REQUESTS_JSON_CONFIG,
                 FloodwatchConfig.TOPIC_MITIGATIONS_CONFIG -> detectorDefault(option.descriptionKey());
            default -> null;
        };
    }

    private static String detectorDefault(String key) {
        return String.valueOf(FloodwatchConfig.definition().defaultValues().get(key));
    }
}
