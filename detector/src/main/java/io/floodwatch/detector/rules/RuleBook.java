package io.floodwatch.detector.rules;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.config.FloodwatchConfig;

/**
 * The rules in force: the configuration the detector started with, plus the changes operators made at run time
 * through the compacted {@code detector-control} topic. Immutable; every accepted change makes a new book.
 *
 * <p>A change is keyed by a rule id and its value is JSON: {@code {"mode": "DRY_RUN" | "ENFORCE",
 * "settings": {"<setting>": <value>, ...}}}. Each rule accepts its own settings only (see {@link #RULE_SETTINGS});
 * the id {@value #MITIGATION} holds the allowlist, the blast-radius cap and the lifecycle settings and takes no mode.
 * A null value (a tombstone) returns the rule to its start-up configuration. A change is validated as a whole against
 * the settings' own validators before it is accepted; a bad one is rejected with a one-line reason and the rules in
 * force stay as they were.
 */
public final class RuleBook {

    /** Id of the lifecycle and safety settings. */
    public static final String MITIGATION = "mitigation";

    /** The settings each rule id may change. */
    public static final Map<String, List<String>> RULE_SETTINGS = Map.ofEntries(
        Map.entry(RuleIds.SOURCE_RATE_LIMIT, List.of(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG, FloodwatchConfig.IP_BLOCK_RATE_CONFIG,
            FloodwatchConfig.PREFIX_THROTTLE_RATE_CONFIG, FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG,
            FloodwatchConfig.SOURCE_TTL_CONFIG, FloodwatchConfig.SHARED_MIN_IDENTITIES_CONFIG,
            FloodwatchConfig.SHARED_PER_IDENTITY_CONFIG)),
        Map.entry(RuleIds.SOURCE_RELATIVE, List.of(FloodwatchConfig.RELATIVE_QUANTILE_CONFIG,
            FloodwatchConfig.RELATIVE_THROTTLE_MULTIPLE_CONFIG, FloodwatchConfig.RELATIVE_BLOCK_MULTIPLE_CONFIG,
            FloodwatchConfig.RELATIVE_THROTTLE_MIN_CONFIG, FloodwatchConfig.RELATIVE_BLOCK_MIN_CONFIG,
            FloodwatchConfig.RELATIVE_MIN_SOURCES_CONFIG)),
        Map.entry(RuleIds.SOURCE_FAILURES, List.of(FloodwatchConfig.IP_FAILURE_RATE_CONFIG,
            FloodwatchConfig.PREFIX_FAILURE_RATE_CONFIG, FloodwatchConfig.FAILURE_RATIO_CONFIG)),
        Map.entry(RuleIds.ENDPOINT_ATTACK, List.of(FloodwatchConfig.ATTACK_SCORE_CONFIG, FloodwatchConfig.HEAVY_PREFIX_REQUESTS_CONFIG,
            FloodwatchConfig.PREFIX_COMMANDS_MAX_CONFIG, FloodwatchConfig.WIDER_MIN_SHARE_CONFIG)),
        Map.entry(RuleIds.ENDPOINT_SURGE, List.of(FloodwatchConfig.ENDPOINT_SURGE_FACTOR_CONFIG,
            FloodwatchConfig.ENDPOINT_MIN_REQUESTS_CONFIG, FloodwatchConfig.ENDPOINT_THROTTLE_HEADROOM_CONFIG,
            FloodwatchConfig.ENDPOINT_TTL_CONFIG)),
        Map.entry(RuleIds.REGISTRATION_REGION_SHIFT, List.of(FloodwatchConfig.REGISTRATION_SURGE_FACTOR_CONFIG,
            FloodwatchConfig.REGISTRATION_MIN_REQUESTS_CONFIG, FloodwatchConfig.REGISTRATION_FOREIGN_SHARE_CONFIG,
            FloodwatchConfig.REGISTRATION_USUAL_SHARE_CONFIG, FloodwatchConfig.REGISTRATION_TTL_CONFIG)),
        Map.entry(RuleIds.REGION_SHIFT, List.of(FloodwatchConfig.REGION_FOREIGN_SHARE_CONFIG, FloodwatchConfig.REGION_TTL_CONFIG)),
        Map.entry(RuleIds.ACCOUNT_REQUIRED, List.of()),
        Map.entry(RuleIds.SCRIPTED_REFUSED, List.of()),
        Map.entry(RuleIds.ENDPOINT_OVERLOAD, List.of(FloodwatchConfig.CAPACITIES_CONFIG)),
        Map.entry(MITIGATION, List.of(FloodwatchConfig.ALLOWLIST_CONFIG, FloodwatchConfig.BLAST_RADIUS_CONFIG,
            FloodwatchConfig.LIFT_AFTER_CONFIG, FloodwatchConfig.OFFENCE_MEMORY_CONFIG, FloodwatchConfig.TTL_MAX_CONFIG)));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_VALUE_BYTES = 64 * 1024;

    /** A rule's change: its mode (null to keep the configured one) and settings. */
    public record Change(String mode, Map<String, String> settings) {
    }

    /** The outcome of applying a change: the new book, or the reason it was rejected. */
    public record Outcome(RuleBook book, String rejection) {
        /** Whether the change was accepted. */
        public boolean accepted() {
            return rejection == null;
        }
    }

    private final FloodwatchConfig startup;
    private final Map<String, Change> changes;
    private final FloodwatchConfig effective;
    private final long version;

    private RuleBook(FloodwatchConfig startup, Map<String, Change> changes, long version) {
        this.startup = startup;
        this.changes = Map.copyOf(changes);
        this.version = version;
        Map<String, Object> values = new HashMap<>(startup.originals());
        Set<String> dryRun = new HashSet<>(startup.getList(FloodwatchConfig.DRY_RUN_RULES_CONFIG));
        changes.forEach((rule, change) -> {
            values.putAll(change.settings());
            if ("DRY_RUN".equals(change.mode())) {
                dryRun.add(rule);
            } else if ("ENFORCE".equals(change.mode())) {
                dryRun.remove(rule);
            }
        });
        values.put(FloodwatchConfig.DRY_RUN_RULES_CONFIG, String.join(",", dryRun));
        this.effective = new FloodwatchConfig(values);
        Allowlist.parse(effective.getList(FloodwatchConfig.ALLOWLIST_CONFIG));
        Capacities.parse(effective.getList(FloodwatchConfig.CAPACITIES_CONFIG));
    }

    /** The start-up configuration with no change. */
    public static RuleBook of(FloodwatchConfig startup) {
        return new RuleBook(startup, Map.of(), 0);
    }

    /** The configuration in force: start-up values with every accepted change applied. */
    public FloodwatchConfig config() {
        return effective;
    }

    /** Increases with every accepted change, so users can rebuild what they derive from the book only when it changed. */
    public long version() {
        return version;
    }

    /**
     * Applies a change from {@code detector-control}.
     *
     * @param ruleId the record's key
     * @param json the record's value, or null to return the rule to its start-up configuration
     */
    public Outcome apply(String ruleId, String json) {
        if (ruleId == null || !RULE_SETTINGS.containsKey(ruleId)) {
            return rejected("unknown rule id '" + ruleId + "'; known: " + String.join(", ", RULE_SETTINGS.keySet().stream().sorted().toList()));
        }
        Map<String, Change> next = new LinkedHashMap<>(changes);
        if (json == null) {
            next.remove(ruleId);
        } else {
            try {
                next.put(ruleId, parse(ruleId, json));
            } catch (IllegalArgumentException e) {
                return rejected(e.getMessage());
            }
        }
        try {
            return new Outcome(new RuleBook(startup, next, version + 1), null);
        } catch (ConfigException | IllegalArgumentException e) {
            return rejected(e.getMessage());
        }
    }

    private Outcome rejected(String reason) {
        return new Outcome(this, reason);
    }

    private static Change parse(String ruleId, String json) {
        if (json.length() > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("the change is " + json.length() + " characters; at most " + MAX_VALUE_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object like {\"mode\": \"DRY_RUN\", \"settings\": {...}}");
        }
        String mode = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "mode" -> mode = mode(ruleId, field.getValue());
                case "settings" -> settings = settings(ruleId, field.getValue());
                default -> throw new IllegalArgumentException("unknown field '" + field.getKey() + "'; expected mode and settings");
            }
        }
        return new Change(mode, settings);
    }

    private static String mode(String ruleId, JsonNode value) {
        String mode = value.asText("").toUpperCase(Locale.ROOT);
        if (MITIGATION.equals(ruleId)) {
            throw new IllegalArgumentException("'" + MITIGATION + "' has no mode; only settings");
        }
        if (!mode.equals("DRY_RUN") && !mode.equals("ENFORCE")) {
            throw new IllegalArgumentException("mode must be DRY_RUN or ENFORCE, not '" + value.asText() + "'");
        }
        return mode;
    }

    private static Map<String, String> settings(String ruleId, JsonNode value) {
        if (!value.isObject()) {
            throw new IllegalArgumentException("settings must be a JSON object of setting names to values");
        }
        List<String> allowed = RULE_SETTINGS.get(ruleId);
        Map<String, String> settings = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!allowed.contains(field.getKey())) {
                throw new IllegalArgumentException("rule '" + ruleId + "' has no setting '" + field.getKey() + "'; it has "
                    + String.join(", ", allowed));
            }
            JsonNode setting = field.getValue();
            if (setting.isArray()) {
                List<String> items = new java.util.ArrayList<>();
                setting.forEach(item -> items.add(item.asText()));
                settings.put(field.getKey(), String.join(",", items));
            } else if (setting.isValueNode() && !setting.isNull()) {
                settings.put(field.getKey(), setting.asText());
            } else {
                throw new IllegalArgumentException("setting '" + field.getKey() + "' must be a number, a string or a list");
            }
        }
        return settings;
    }
}
