package io.floodwatch.detector.rules;

import java.util.regex.Pattern;

import io.floodwatch.detector.config.FloodwatchConfig;

/**
 * Tells registration and login routes apart: {@code POST} to a path matching the configured patterns
 * (by default {@code (?i)/(register|signup|sign-up)(/|$)} and {@code (?i)/(login|signin|sign-in)(/|$)}).
 *
 * @param registration pattern of registration paths
 * @param login pattern of login paths
 */
public record RouteClassifier(Pattern registration, Pattern login) {

    /** The classifier configured in {@code registration.path.pattern} and {@code login.path.pattern}. */
    public static RouteClassifier from(FloodwatchConfig config) {
        return new RouteClassifier(config.pattern(FloodwatchConfig.REGISTRATION_PATTERN_CONFIG),
            config.pattern(FloodwatchConfig.LOGIN_PATTERN_CONFIG));
    }

    /** Whether a route name ({@code "<METHOD> <template>"}) is a registration route. */
    public boolean isRegistration(String route) {
        return route.startsWith("POST ") && registration.matcher(route).region(5, route.length()).find();
    }

    /** Whether a route name is a login route. */
    public boolean isLogin(String route) {
        return route.startsWith("POST ") && login.matcher(route).region(5, route.length()).find();
    }
}
