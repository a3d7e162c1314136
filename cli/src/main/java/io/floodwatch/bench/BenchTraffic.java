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

    /** An attacker-controlled dimension made fresh on every event, to show what the detector keeps of it is bounded. */
    enum Cardinality {
        /** None beyond the distinct sources. */
        NONE("ordinary traffic"),
        /** A random path of two non-id segments per request (distinct route templates). */
        PATHS("a random path per request"),
        /** A fresh IPv6 address per request, all over 2001:db8::/32. */
        IPV6("a fresh IPv6 source per request"),
        /** A random user agent and a random account id per request. */
        AGENTS("a random user agent and account per request"),
        /** A random two-letter region per request (all 676 codes). */
        REGIONS("a random region per request");

        private final String description;

        Cardinality(String description) {
            this.description = description;
        }

        /** What the traffic does, for the report. */
        String description() {
            return description;
        }
    }

    private final int sources;
    private final long start;
    private final long eventsPerSecond;
    private final boolean attack;
    private final SplittableRandom random;
    private final Cardinality cardinality;

    /**
     * @param attack whether every source attacks: scripted credential stuffing on login, 90% answered 401, so that
     *               the failure sketches, the source and prefix rules and the planner all work at full load
     */
    BenchTraffic(int sources, long eventsPerSecond, long seed, boolean attack) {
        this(sources, T0, eventsPerSecond, seed, attack, Cardinality.NONE);
    }

    /** Ordinary traffic with one dimension fresh on every event. */
    BenchTraffic(int sources, long eventsPerSecond, long seed, Cardinality cardinality) {
        this(sources, T0, eventsPerSecond, seed, false, cardinality);
    }

    /** Traffic whose first event is at {@code start} (epoch ms). */
    BenchTraffic(int sources, long start, long eventsPerSecond, long seed, boolean attack) {
        this(sources, start, eventsPerSecond, seed, attack, Cardinality.NONE);
    }

    private BenchTraffic(int sources, long start, long eventsPerSecond, long seed, boolean attack, Cardinality cardinality) {
        this.cardinality = cardinality;
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
        RequestEvent.Builder event = RequestEvent.newBuilder()
            .setTimestamp(timestamp(i))
            .setSourceIp(address(source))
            .setMethod(path.startsWith("/api/v1/auth") ? "POST" : "GET")
            .setPath(path)
            .setStatus(status)
            .setLatencyMs(20 + random.nextInt(200))
            .setRegion(REGIONS[random.nextInt(REGIONS.length)])
            .setUserAgent("Mozilla/5.0 (bench)")
            .setGatewayId("edge-" + (source & 3));
        switch (cardinality) {
            case PATHS -> event.setPath("/" + word() + "/" + word());
            case IPV6 -> event.setSourceIp("2001:db8:" + Integer.toHexString(random.nextInt(0x10000)) + ":"
                + Integer.toHexString(random.nextInt(0x10000)) + "::" + Integer.toHexString(random.nextInt(0x10000)) + ":"
                + Integer.toHexString(random.nextInt(0x10000)));
            case AGENTS -> event.setUserAgent("Mozilla/5.0 (" + word() + "; rv:" + random.nextInt(1_000_000) + ")")
                .setAccountId("acct-" + Long.toHexString(random.nextLong()));
            case REGIONS -> event.setRegion("" + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26)));
            case NONE -> { }
        }
        return event.build();
    }

    /** Eight random letters, never taken for an id by route normalisation. */
    private String word() {
        char[] letters = new char[8];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (char) ('g' + random.nextInt(20));
        }
        return new String(letters);
    }
}
