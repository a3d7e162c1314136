package io.floodwatch.producers.sim;

import java.util.List;
import java.util.SplittableRandom;

import io.floodwatch.schema.RequestEvent;

/**
 * An attacker: {@code sources} addresses spread over {@code prefixes} /24 prefixes in a few regions, user agents
 * from a list (scripts by default), each request shaped by a {@link Shape} (what is requested and how the service
 * answers). Its events may leave the region out, as a plain access log does.
 */
final class Botnet extends PoissonActor {

    /** What one attacking request looks like. */
    interface Shape {
        /** Method, path and status of a request. */
        Request next(SplittableRandom random);
    }

    /** Method, path and status. */
    record Request(String method, String path, int status) {
    }

    private final int sources;
    private final int prefixes;
    private final List<String> regions;
    private final Shape shape;
    private final List<String> agents;
    private final boolean regionKnown;

    Botnet(String name, long seed, long start, long end, RateProfile rate, int sources, int prefixes, List<String> regions,
           Shape shape) {
        this(name, seed, start, end, rate, sources, prefixes, regions, shape, Internet.SCRIPTS, true);
    }

    /**
     * @param agents the user agents its sources use, one per source
     * @param regionKnown whether its events carry their region (the addresses always follow the regions' plans)
     */
    Botnet(String name, long seed, long start, long end, RateProfile rate, int sources, int prefixes, List<String> regions,
           Shape shape, List<String> agents, boolean regionKnown) {
        super(name, true, seed, start, end, rate);
        this.sources = sources;
        this.prefixes = Math.max(1, Math.min(prefixes, sources));
        this.regions = regions;
        this.shape = shape;
        this.agents = agents;
        this.regionKnown = regionKnown;
    }

    @Override
    protected RequestEvent request(long timestamp, Load load) {
        int source = random.nextInt(sources);
        int prefix = source % prefixes;
        String region = regions.get(prefix % regions.size());
        String ip = Internet.addressInPrefix(region, 0x8000 + prefix, source / prefixes);
        Request request = shape.next(random);
        String agent = agents.get(Math.floorMod(source * 7, agents.size()));
        return request(timestamp, ip, request.method(), request.path(), request.status(), 5 + random.nextInt(60),
            regionKnown ? region : null, agent).build();
    }
}
