package io.floodwatch.producers.sim;

import java.util.List;

import io.floodwatch.schema.RequestEvent;

/**
 * Passers-by, as a site's plain access log shows them: a great many addresses with a request or two each, browser
 * agents, page and asset reads, no account and no region. Not an attack: the population a cold-started detector
 * must judge the heavy sources against.
 */
final class Visitors extends PoissonActor {

    private static final List<String> PAGES = List.of("/", "/pricing", "/docs", "/blog/launch", "/static/app.js",
        "/static/app.css", "/login", "/signup");

    private final List<String> regions;
    private final double[] regionWeights;
    private final double returnShare;
    private String lastIp;
    private String lastAgent;

    /**
     * @param returnShare chance that a request comes from the previous visitor (a second request)
     */
    Visitors(String name, long seed, long start, long end, RateProfile rate, List<String> regions, double[] regionWeights,
             double returnShare) {
        super(name, false, seed, start, end, rate);
        this.regions = regions;
        this.regionWeights = regionWeights;
        this.returnShare = returnShare;
    }

    @Override
    protected RequestEvent request(long timestamp, Load load) {
        if (lastIp == null || random.nextDouble() >= returnShare) {
            String region = Internet.weighted(random, regions, regionWeights);
            lastIp = Internet.address(region, random.nextLong());
            lastAgent = Internet.BROWSERS.get(random.nextInt(Internet.BROWSERS.size()));
        }
        String page = PAGES.get(random.nextInt(PAGES.size()));
        int status = load.overloaded(random) ? 503 : random.nextInt(100) < 2 ? 404 : 200;
        return request(timestamp, lastIp, "GET", page, status, load.latency(random, 20), null, lastAgent).build();
    }
}
