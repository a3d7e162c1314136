package io.floodwatch.producers.sim;

import java.util.ArrayList;
import java.util.List;

import io.floodwatch.schema.RequestEvent;

/**
 * Real people arriving at once (the app went viral), mostly from a region that was small before. Each one
 * behaves like a human: registers once from their own address with a browser or the app, logs in, then uses the
 * API at a human pace. Registrations succeed, accounts follow through to logins and use. Not an attack.
 */
final class FlashCrowd extends PoissonActor {

    private static final int MAX_USERS = 200_000;

    private final List<String> regions;
    private final double[] regionWeights;
    private final double newUserShare;
    private final List<Person> visitors = new ArrayList<>();

    FlashCrowd(String name, long seed, long start, long end, RateProfile rate, List<String> regions, double[] regionWeights,
               double newUserShare) {
        super(name, false, seed, start, end, rate);
        this.regions = regions;
        this.regionWeights = regionWeights;
        this.newUserShare = newUserShare;
    }

    @Override
    protected RequestEvent request(long timestamp, Load load) {
        if (visitors.isEmpty() || random.nextDouble() < newUserShare) {
            String region = Internet.weighted(random, regions, regionWeights);
            Person visitor = new Person(Internet.address(region, random.nextLong()), region,
                Internet.BROWSERS.get(random.nextInt(Internet.BROWSERS.size())), name() + "-" + visitors.size());
            if (visitors.size() < MAX_USERS) {
                visitors.add(visitor);
            } else {
                visitors.set(random.nextInt(MAX_USERS), visitor);
            }
            return request(timestamp, visitor.ip, "POST", "/api/v1/auth/register", status(load, 200), latency(150, load),
                visitor.region, visitor.agent).build();
        }
        Person visitor = visitors.get(random.nextInt(visitors.size()));
        if (!visitor.loggedIn) {
            visitor.loggedIn = true;
            return request(timestamp, visitor.ip, "POST", "/api/v1/auth/login", status(load, 200), latency(120, load),
                visitor.region, visitor.agent).setAccountId(visitor.account).build();
        }
        boolean chat = random.nextInt(3) > 0;
        return request(timestamp, visitor.ip, chat ? "POST" : "GET", chat ? "/api/v1/chat/completions" : "/api/v1/models",
            status(load, 200), latency(chat ? 900 : 30, load), visitor.region, visitor.agent)
            .setAccountId(visitor.account).build();
    }

    private int status(Load load, int ok) {
        return load.overloaded(random) ? 503 : ok;
    }

    private int latency(int base, Load load) {
        return load.latency(random, base);
    }
}
