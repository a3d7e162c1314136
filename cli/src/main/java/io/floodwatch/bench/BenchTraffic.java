package io.floodwatch.bench;

import java.util.SplittableRandom;

import io.floodwatch.schema.RequestEvent;

/**
 * Deterministic benchmark traffic: uniform over {@code sources} distinct IPv4 sources (in 10.0.0.0/8), 20 routes
 * (some with ids), mostly 2xx, a region mix, {@code eventsPerSecond} events per second of event time from a start
 * time (by default 2025-01-27). Generated on the fly, never held in memory.
 */
final class BenchTraffic {

    static final long T0 = 1_737_936_000_000L;

    private static final String[] PATHS = {
        "/api/v1/chat/completions", "/api/v1/models", "/api/v1/auth/login", "/api/v1/auth/register",
        "/api/v1/auth/token", "/api/v1/users/%d", "/api/v1/users/%d/settings", "/api/v1/files/%d",
        "/api/v1/embeddings", "/api/v1/images", "/static/app.js", "/static/app.css", "/static/logo.png", "/",
        "/api/v1/billing", "/api/v1/conversations/%d", "/api/v1/conversations", "/api/v1/feedback",
        "/api/v1/search", "/healthz"};
    private static final String[] REGIONS = {"CN", "CN", "CN", "CN", "CN", "US", "US", "SG", "DE", "BR"};

    private final int sources;
    private final long start;
    private final long eventsPerSecond;
    private final boolean attack;
    private final SplittableRandom random;

    /**
     * @param attack whether every source attacks: scripted credential stuffing on login, 90% answered 401, so that
     *               the failure sketches, the source and prefix rules and the planner all work at full load
     */
    BenchTraffic(int sources, long eventsPerSecond, long seed, boolean attack) {
        this(sources, T0, eventsPerSecond, seed, attack);
    }

    /** Traffic whose first event is at {@code start} (epoch ms). */
    BenchTraffic(int sources, long start, long eventsPerSecond, long seed, boolean attack) {
        this.attack = attack;
        this.sources = sources;
        this.start = start;
        this.eventsPerSecond = eventsPerSecond;
        this.random = new SplittableRandom(seed);
    }

    private static String address(int source) {
        return "10." + ((source >>> 16) & 0xff) + "." + ((source >>> 8) & 0xff) + "." + (source & 0xff);
    }

    /** Event time of the i-th event. */
    long timestamp(long i) {
        return start + i * 1000 / eventsPerSecond;
    }

    /** The i-th event. Calls must come in order of i. */
    RequestEvent event(long i) {
        int source = random.nextInt(sources);
        if (attack) {
            return RequestEvent.newBuilder()
                .setTimestamp(timestamp(i))
                .setSourceIp(address(source))
                .setMethod("POST")
                .setPath("/api/v1/auth/login")
                .setStatus(random.nextInt(10) == 0 ? 200 : 401)
                .setLatencyMs(20 + random.nextInt(200))
                .setRegion(REGIONS[random.nextInt(REGIONS.length)])
                .setUserAgent("python-requests/2.32.3")
                .setGatewayId("edge-" + (source & 3))
                .build();
        }
        String path = PATHS[random.nextInt(PATHS.length)];
        if (path.indexOf('%') >= 0) {
            path = String.format(path, random.nextInt(100_000));
        }
        int roll = random.nextInt(100);
        int status = roll < 95 ? 200 : roll < 98 ? 404 : 500;
        return RequestEvent.newBuilder()
            .setTimestamp(timestamp(i))
            .setSourceIp(address(source))
            .setMethod(path.startsWith("/api/v1/auth") ? "POST" : "GET")
            .setPath(path)
            .setStatus(status)
            .setLatencyMs(20 + random.nextInt(200))
            .setRegion(REGIONS[random.nextInt(REGIONS.length)])
            .setUserAgent("Mozilla/5.0 (bench)")
            .setGatewayId("edge-" + (source & 3))
            .build();
    }
}
