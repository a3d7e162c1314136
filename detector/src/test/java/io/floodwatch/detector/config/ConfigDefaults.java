package io.floodwatch.detector.config;

import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.config.ConfigDef;

/** Compares written settings (a README cell, a deploy file's value) with the detector's {@link ConfigDef} defaults. */
final class ConfigDefaults {

    private static final Map<String, ConfigDef.ConfigKey> KEYS = FloodwatchConfig.definition().configKeys();

    private ConfigDefaults() {
    }

    /** Whether a key is one of the detector's settings. */
    static boolean known(String key) {
        return KEYS.containsKey(key);
    }

    /** Whether a value, as written, parses to the key's default ({@code ""} for an empty value). */
    static boolean isDefault(String key, String value) {
        ConfigDef.ConfigKey definition = KEYS.get(key);
        Object parsed = ConfigDef.parseType(key, value, definition.type);
        return Objects.equals(parsed, ConfigDef.parseType(key, definition.defaultValue, definition.type));
    }

    /** The default as the README writes it: {@code (empty)} for an empty string, {@code (none)} for an empty list. */
    static String written(String key) {
        ConfigDef.ConfigKey definition = KEYS.get(key);
        Object value = definition.defaultValue;
        if (value instanceof java.util.List<?> list) {
            return list.isEmpty() ? "(none)" : String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value == null || String.valueOf(value).isEmpty() ? "(empty)" : String.valueOf(value);
    }
}
