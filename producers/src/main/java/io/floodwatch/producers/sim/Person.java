package io.floodwatch.producers.sim;

/** A person using the service: an address, a region, a browser or app, an account, and whether they logged in. */
final class Person {

    final String ip;
    final String region;
    final String agent;
    final String account;
    boolean loggedIn;

    Person(String ip, String region, String agent, String account) {
        this.ip = ip;
        this.region = region;
        this.agent = agent;
        this.account = account;
    }
}
