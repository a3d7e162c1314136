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

    /** Bots in real logs pose as browsers as often as they admit to being scripts. */
    private static final List<String> BOT_AGENTS = List.of(Internet.SCRIPTS.get(0), Internet.BROWSERS.get(0),
        Internet.SCRIPTS.get(1), Internet.BROWSERS.get(4));

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
        CATALOGUE.put("access-log-bots", (o, actors) -> {
            long botsStart = o.start() + o.durationMs() / 10;
            int bots = Math.max(50, o.sources() / 5);
            actors.add(new Visitors("visitors", o.seed(), o.start(), o.end(), RateProfile.constant(o.attackRate() / 4),
                HOME, HOME_MIX, 0.3));
            actors.add(new Botnet("access-log-bots", o.seed(), botsStart, o.attackEnd(), RateProfile.constant(o.attackRate()),
                bots, Math.max(o.prefixes() * 5, bots / 4), o.attackRegions(), r -> new Botnet.Request("GET",
                    r.nextInt(3) == 0 ? "/" : "/search?q=" + Integer.toString(r.nextInt(1_000_000), 36), 200),
                BOT_AGENTS, false));
            return "a plain access log (no region, no account): a great many passers-by with a request or two each, and"
                + " bots each sending a few requests per second from early on, before any baseline is learned";
        });
        CATALOGUE.put("foreign-stuffing", (o, actors) -> {
            int sources = Math.max(o.sources(), 3000);
            actors.add(botnet("foreign-stuffing", o, RateProfile.constant(sources / 30.0), sources, sources, o.attackRegions(),
                r -> new Botnet.Request("POST", "/api/v1/auth/login", failure(r, 0.97, 401, 401))));
            return "low-and-slow credential stuffing from regions outside the usual mix: thousands of addresses over as"
                + " many /24s, each logging in about once every 30 s, nearly all answered 401";
        });
        CATALOGUE.put("carrier-nat-crowd", (o, actors) -> {
            int addresses = Math.max(3, o.sources() / 1000);
            double rate = o.attackRate() / 10;
            List<String> pool = new ArrayList<>();
            for (int i = 0; i < addresses; i++) {
                pool.add(Internet.addressInPrefix(HOME.get(0), 0x4000 + i % 2, 10 + i));
            }
            actors.add(new CarrierNat("carrier-nat", o.seed(), o.attackStart(), o.attackEnd(),
                RateProfile.ramp(o.attackStart(), o.attackDurationMs() / 8, rate / 10, rate), pool, HOME.get(0),
                (int) Math.max(100, rate / addresses * 15)));
            return "a flash crowd of a home-region mobile carrier's subscribers behind a handful of NAT addresses, each"
                + " fronting hundreds of real users with their own accounts: tens of requests per second per address";
        });
        CATALOGUE.put("ipv6-subnet-flood", (o, actors) -> {
            java.util.SplittableRandom plan = new java.util.SplittableRandom(o.seed());
            long network48 = (0x2A00L + plan.nextInt(0x200)) << 48 | (long) plan.nextInt(1 << 16) << 32
                | (long) plan.nextInt(1 << 16) << 16;
            actors.add(new SubnetFlood("ipv6-subnet-flood", o.seed(), o.attackStart(), o.attackEnd(),
                RateProfile.constant(o.attackRate() / 2), network48, HOME.get(plan.nextInt(2)), Internet.SCRIPTS,
                r -> new Botnet.Request("POST", "/api/v1/chat/completions", failure(r, 0.2, 503, 429))));
            return "a flood from one IPv6 /48 of a home-region host, every request from a fresh /64 inside it: no address"
                + " or /64 stands out, only the /48 does";
        });
        CATALOGUE.put("residential-route-flood", (o, actors) -> {
            int sources = Math.max(o.sources(), 4000);
            actors.add(new Botnet("residential-route-flood", o.seed(), o.attackStart(), o.attackEnd(),
                RateProfile.constant(Math.min(o.attackRate(), sources * 0.2)), sources, sources / 4, HOME.subList(0, 2),
                r -> new Botnet.Request("POST", "/api/v1/chat/completions", failure(r, 0.1, 503, 429)), Internet.BROWSERS,
                true));
            return "thousands of home-region residential addresses with browser agents, each under every per-source limit,"
                + " flooding the most expensive route without an account and without calling anything else";
        });
        CATALOGUE.put("home-registration-flood", (o, actors) -> {
            int sources = Math.max(o.sources(), 3000);
            actors.add(new Botnet("home-registration-flood", o.seed(), o.attackStart(), o.attackEnd(),
                RateProfile.constant(Math.min(o.attackRate(), sources * 0.1)), sources, sources / 3, HOME.subList(0, 2),
                r -> new Botnet.Request("POST", "/api/v1/auth/register", failure(r, 0.85, 400, 409)), Internet.SCRIPTS,
                true));
            return "a registration flood from the home region itself: residential addresses over many /24s, a scripted"
                + " client, most attempts rejected, all from the usual regions";
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
