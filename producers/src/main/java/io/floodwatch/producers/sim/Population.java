package io.floodwatch.producers.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.floodwatch.schema.RequestEvent;

/**
 * The service's own users on an ordinary day: returning users with accounts (a few heavy users, many light
 * ones), a region mix dominated by the home region, human user agents, requests spread over a realistic API
 * with a heavy-tailed (Zipf-like) popularity, and new users who register, log in and then use the API.
 * Status codes and latencies react to load: past capacity, responses slow down and 503s appear.
 */
final class Population extends PoissonActor {

    private static final List<String> ENDPOINTS = List.of(
        "POST /api/v1/chat/completions", "GET /api/v1/models", "GET /api/v1/conversations",
        "GET /api/v1/conversations/{id}", "GET /static/app.js", "GET /static/app.css", "GET /static/logo.png",
        "POST /api/v1/auth/token/refresh", "POST /api/v1/auth/login", "GET /api/v1/users/{id}/settings",
        "POST /api/v1/embeddings", "POST /api/v1/auth/register");
    private static final double[] POPULARITY = {35, 14, 10, 9, 6, 5, 4, 7, 4, 3, 2, 1};
    private static final int[] BASE_LATENCY = {900, 30, 60, 45, 8, 8, 8, 25, 120, 35, 200, 150};

    private static final int MAX_NEW_USERS = 100_000;

    private final int returningUsers;
    private final List<String> regions;
    private final double[] regionWeights;
    private final List<Person> newUsers = new ArrayList<>();
    private final long userSeed;

    Population(String name, long seed, long start, long end, RateProfile rate, int returningUsers, List<String> regions,
               double[] regionWeights) {
        super(name, false, seed, start, end, rate);
        this.returningUsers = returningUsers;
        this.regions = regions;
        this.regionWeights = regionWeights;
        this.userSeed = seed;
    }

    @Override
    protected RequestEvent request(long timestamp, Load load) {
        String endpoint = Internet.weighted(random, ENDPOINTS, POPULARITY);
        int kind = ENDPOINTS.indexOf(endpoint);
        Person user;
        if (kind == ENDPOINTS.size() - 1) {
            user = newUser();
            if (newUsers.size() < MAX_NEW_USERS) {
                newUsers.add(user);
            } else {
                newUsers.set(random.nextInt(MAX_NEW_USERS), user);
            }
        } else if (!newUsers.isEmpty() && random.nextInt(20) == 0) {
            user = newUsers.get(random.nextInt(newUsers.size()));
            endpoint = user.loggedIn ? endpoint : "POST /api/v1/auth/login";
            kind = ENDPOINTS.indexOf(endpoint);
            user.loggedIn = true;
        } else {
            double u = random.nextDouble();
            user = user((int) (returningUsers * u * u));
        }
        String[] methodAndPath = endpoint.split(" ", 2);
        String path = methodAndPath[1].replace("{id}", Integer.toString(1 + random.nextInt(1_000_000)));
        int status = status(kind, load);
        int latency = load.latency(random, BASE_LATENCY[kind]);
        return request(timestamp, user.ip, methodAndPath[0], path, status, latency, user.region, user.agent)
            .setAccountId(kind == ENDPOINTS.size() - 1 ? null : user.account)
            .build();
    }

    private int status(int kind, Load load) {
        if (load.overloaded(random)) {
            return 503;
        }
        if (kind == 8 && random.nextInt(100) < 3) {
            return 401;
        }
        if ((kind == 3 || kind == 9) && random.nextInt(100) < 2) {
            return 404;
        }
        if (kind == ENDPOINTS.size() - 1 && random.nextInt(100) < 5) {
            return 400;
        }
        return 200;
    }

    private Person user(int index) {
        SplittableRandom attributes = new SplittableRandom(userSeed * 31 + index);
        String region = Internet.weighted(attributes, regions, regionWeights);
        return new Person(Internet.address(region, attributes.nextLong()), region,
            Internet.BROWSERS.get(attributes.nextInt(Internet.BROWSERS.size())), "u-" + index);
    }

    private Person newUser() {
        String region = Internet.weighted(random, regions, regionWeights);
        return new Person(Internet.address(region, random.nextLong()), region,
            Internet.BROWSERS.get(random.nextInt(Internet.BROWSERS.size())), "n-" + name() + "-" + newUsers.size());
    }
}
