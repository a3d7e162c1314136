package io.floodwatch.producers.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.LinkedHashMap;

/**
 * The catalogue of scenarios: a bad day at an API service, each with ground truth.
 */
public final class Scenarios {

    private static final List<String> HOME = List.of("CN", "US", "SG", "DE", "JP", "BR");
    private static final double[] HOME_MIX = {80, 7, 5, 3, 3, 2};
    private static final String[] PROBE_WORDS = {"admin", "debug", "internal", "config", "backup", "v2", "graphql",
        "users", "export", "keys", "tokens", "actuator", "env", "swagger", "metrics", "upload"};

    private static final Map<String, BiFunction<ScenarioOptions, List<Actor>, String>> CATALOGUE = new LinkedHashMap<>();

    static {
        CATALOGUE.put("baseline", (o, actors) -> "an ordinary day: returning users, new sign-ups, no attack");
        CATALOGUE.put("registration-flood", (o, actors) -> {
            actors.add(botnet("registration-flood", o, RateProfile.constant(o.attackRate()), o.sources(), o.prefixes(),
                o.attackRegions(), r -> new Botnet.Request("POST", "/api/v1/auth/register", failure(r, 0.7, 400, 429))));
            return "a botnet registers accounts from many addresses in a few regions; most attempts fail";
        });
        CATALOGUE.put("http-flood", (o, actors) -> {
            actors.add(botnet("http-flood", o, RateProfile.constant(o.attackRate()), o.sources(), o.prefixes(),
                o.attackRegions(), r -> new Botnet.Request("POST", "/api/v1/chat/completions", failure(r, 0.3, 503, 429))));
            return "volumetric flood of the most expensive endpoint";
        });
        CATALOGUE.put("credential-stuffing", (o, actors) -> {
            int sources = Math.max(o.sources() * 4, 1000);
            actors.add(botnet("credential-stuffing", o, RateProfile.constant(o.attackRate() / 4), sources,
                Math.max(o.prefixes() * 10, 100), o.attackRegions(),
                r -> new Botnet.Request("POST", "/api/v1/auth/login", failure(r, 0.92, 401, 401))));
            return "leaked credentials tried against login, mostly 401, spread thinly over many addresses";
        });
        CATALOGUE.put("scraper", (o, actors) -> {
            actors.add(botnet("scraper", o, RateProfile.constant(Math.min(o.attackRate(), 300)), 1, 1,
                o.attackRegions().subList(0, 1), r -> new Botnet.Request("GET",
                    "/api/v1/conversations/" + (1 + r.nextInt(1_000_000)), failure(r, 0.1, 404, 404))));
            return "one source reading conversations at a high rate";
        });
        CATALOGUE.put("flash-crowd", (o, actors) -> {
            actors.add(new FlashCrowd("flash-crowd", o.seed(), o.attackStart(), o.attackEnd(),
                RateProfile.ramp(o.attackStart(), o.attackDurationMs() / 4, o.attackRate() / 20, o.attackRate()),
                o.crowdRegions(), weights(o.crowdRegions().size()), 0.3));
            return "the app goes viral: many new, real users, mostly from regions that were small before";
        });
        CATALOGUE.put("low-and-slow", (o, actors) -> {
            int sources = Math.max(o.sources(), 2000);
            actors.add(botnet("low-and-slow", o, RateProfile.constant(Math.min(o.attackRate(), sources * 0.5)), sources,
                Math.max(sources / 20, 1), o.attackRegions(),
                r -> new Botnet.Request("POST", "/api/v1/chat/completions", failure(r, 0.05, 429, 429))));
            return "many sources, each far below any per-source limit";
        });
        CATALOGUE.put("pulsing", (o, actors) -> {
            actors.add(botnet("pulsing", o, RateProfile.pulsing(o.attackStart(), 10_000, 20_000, o.attackRate()),
                o.sources(), o.prefixes(), o.attackRegions(),
                r -> new Botnet.Request("POST", "/api/v1/chat/completions", failure(r, 0.3, 503, 429))));
            return "on/off bursts: 10 s on, 20 s off";
        });
        CATALOGUE.put("probing", (o, actors) -> {
            actors.add(botnet("probing", o, RateProfile.constant(Math.min(o.attackRate(), 60)), 3, 1,
                o.attackRegions().subList(0, 1), r -> {
                    String word = PROBE_WORDS[r.nextInt(PROBE_WORDS.length)];
                    String param = Integer.toString(r.nextInt(100_000), 36);
                    return new Botnet.Request(r.nextBoolean() ? "GET" : "POST", "/api/" + word + "/" + param + "?q=" + param,
                        r.nextInt(10) < 7 ? 404 : r.nextInt(10) < 8 ? 400 : 200);
                }));
            return "a few sources enumerating endpoints and parameters: mostly 404/400, many distinct paths";
        });
        CATALOGUE.put("deepseek-day", (o, actors) -> {
            long crowdStart = o.start() + o.durationMs() / 10;
            actors.add(new FlashCrowd("flash-crowd", o.seed(), crowdStart, o.end(),
                RateProfile.ramp(crowdStart, o.durationMs() / 5, o.attackRate() / 20, o.attackRate() / 2),
                o.crowdRegions(), weights(o.crowdRegions().size()), 0.3));
            actors.add(botnet("registration-flood", o, RateProfile.constant(o.attackRate()), o.sources(), o.prefixes(),
                o.attackRegions(), r -> new Botnet.Request("POST", "/api/v1/auth/register", failure(r, 0.7, 400, 429))));
            return "the app goes viral, a registration flood hits during the crowd, then recovers";
        });
    }

    private Scenarios() {
    }

    /** Names of all scenarios, in catalogue order. */
    public static List<String> names() {
        return List.copyOf(CATALOGUE.keySet());
    }

    /**
     * Builds a scenario.
     *
     * @throws IllegalArgumentException naming the known scenarios if {@code name} is not one
     */
    public static Scenario build(String name, ScenarioOptions options) {
        BiFunction<ScenarioOptions, List<Actor>, String> recipe = CATALOGUE.get(name);
        if (recipe == null) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + String.join(", ", names()));
        }
        List<Actor> actors = new ArrayList<>();
        actors.add(new Population("users", options.seed(), options.start(), options.end(),
            RateProfile.diurnal(options.baseRate(), 0.35), 50_000, HOME, HOME_MIX));
        String description = recipe.apply(options, actors);
        return new Scenario(name, description, options, actors);
    }

    private static Botnet botnet(String name, ScenarioOptions o, RateProfile rate, int sources, int prefixes,
                                 List<String> regions, Botnet.Shape shape) {
        return new Botnet(name, o.seed(), o.attackStart(), o.attackEnd(), rate, sources, prefixes, regions, shape);
    }

    private static int failure(java.util.SplittableRandom random, double share, int first, int second) {
        if (random.nextDouble() >= share) {
            return 200;
        }
        return random.nextBoolean() ? first : second;
    }

    private static double[] weights(int n) {
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = 1.0 / (i + 1);
        }
        return weights;
    }
}
