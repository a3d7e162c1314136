package io.floodwatch.producers.sim;

import java.util.SplittableRandom;

import io.floodwatch.schema.RequestEvent;

/**
 * An actor whose requests arrive as a Poisson process following a {@link RateProfile} between a start and an
 * end (non-homogeneous, by thinning). Subclasses say what each request is.
 */
abstract class PoissonActor implements Actor {

    protected final SplittableRandom random;
    private final String name;
    private final boolean attack;
    private final RateProfile rate;
    private final long end;
    private long next;

    PoissonActor(String name, boolean attack, long seed, long start, long end, RateProfile rate) {
        this.name = name;
        this.attack = attack;
        this.random = new SplittableRandom(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        this.rate = rate;
        this.end = end;
        this.next = start;
        advance();
    }

    @Override
    public final long peekTime() {
        return next;
    }

    @Override
    public final LabelledEvent next(Load load) {
        long timestamp = next;
        RequestEvent event = request(timestamp, load);
        advance();
        return new LabelledEvent(event, name, attack);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean attack() {
        return attack;
    }

    /** The request this actor sends at an event time. */
    protected abstract RequestEvent request(long timestamp, Load load);

    private void advance() {
        double max = rate.max();
        if (max <= 0) {
            next = Long.MAX_VALUE;
            return;
        }
        long t = next;
        while (true) {
            t += Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) / max * 1000));
            if (t >= end) {
                next = Long.MAX_VALUE;
                return;
            }
            if (random.nextDouble() * max < rate.rate(t)) {
                next = t;
                return;
            }
        }
    }

    /** A request with the common fields filled. */
    protected static RequestEvent.Builder request(long timestamp, String ip, String method, String path, int status,
                                                  int latencyMs, String region, String userAgent) {
        return RequestEvent.newBuilder()
            .setTimestamp(timestamp)
            .setSourceIp(ip)
            .setMethod(method)
            .setPath(path)
            .setStatus(status)
            .setLatencyMs(latencyMs)
            .setRegion(region)
            .setUserAgent(userAgent)
            .setGatewayId("edge-" + (Math.floorMod(ip.hashCode(), 4) + 1));
    }
}
