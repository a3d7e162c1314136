package io.floodwatch.producers.sim;

import java.util.ArrayList;
import java.util.List;

import io.floodwatch.schema.RequestEvent;

/**
 * Real people behind a carrier-grade NAT: a mobile carrier of the home region puts many hundreds of its subscribers
 * behind each of a handful of public addresses. Each subscriber has their own account and a phone browser or the
 * app, logs in, then chats and reads at a human pace; each address carries tens of requests per second. Not an
 * attack: the class of real users that per-address volume rules hurt.
 */
final class CarrierNat extends PoissonActor {

    private static final List<String> PHONE_AGENTS = List.of(Internet.BROWSERS.get(2), Internet.BROWSERS.get(3),
        Internet.BROWSERS.get(5), Internet.BROWSERS.get(6));

    private final List<String> addresses;
    private final String region;
    private final int subscribersPerAddress;
    private final List<Person> subscribers = new ArrayList<>();

    /**
     * @param addresses the NAT's public addresses
     * @param region the carrier's region
     * @param subscribersPerAddress people behind each address
     */
    CarrierNat(String name, long seed, long start, long end, RateProfile rate, List<String> addresses, String region,
               int subscribersPerAddress) {
        super(name, false, seed, start, end, rate);
        this.addresses = addresses;
        this.region = region;
        this.subscribersPerAddress = subscribersPerAddress;
    }

    @Override
    protected RequestEvent request(long timestamp, Load load) {
        Person person;
        if (subscribers.isEmpty() || subscribers.size() < addresses.size() * subscribersPerAddress && random.nextInt(4) == 0) {
            int n = subscribers.size();
            person = new Person(addresses.get(n % addresses.size()), region, PHONE_AGENTS.get(random.nextInt(PHONE_AGENTS.size())),
                name() + "-" + n);
            subscribers.add(person);
        } else {
            person = subscribers.get(random.nextInt(subscribers.size()));
        }
        int status = load.overloaded(random) ? 503 : 200;
        if (!person.loggedIn) {
            person.loggedIn = true;
            return request(timestamp, person.ip, "POST", "/api/v1/auth/login", status, load.latency(random, 120), region,
                person.agent).setAccountId(person.account).build();
        }
        boolean chat = random.nextInt(3) > 0;
        return request(timestamp, person.ip, chat ? "POST" : "GET", chat ? "/api/v1/chat/completions" : "/api/v1/conversations",
            status, load.latency(random, chat ? 900 : 60), region, person.agent).setAccountId(person.account).build();
    }
}
