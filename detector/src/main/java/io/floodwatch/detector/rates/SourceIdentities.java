package io.floodwatch.detector.rates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Who is behind each heavy source IP of one window: distinct accounts and distinct human user agents on its
 * successful requests, each in a small HyperLogLog. An address fronting many people (a carrier-grade NAT, a
 * corporate proxy) shows many of both; a bot shows one agent and, if it fails logins, accounts it never gets into.
 *
 * <p>Bounded: an IP is profiled only once it is heavy (the caller decides), at most {@code capacity} IPs per window,
 * each about 2 × 2<sup>{@value #LG_K}</sup> bytes once it has many identities. Attacker-controlled strings are
 * hashed, never kept. Only the identities seen after an IP was admitted are counted, which understates them by at
 * most the admission count.
 */
final class SourceIdentities {

    private static final int LG_K = 7;

    private final int capacity;
    private final Map<Long, Profile> ipv4 = new HashMap<>();
    private final Map<String, Profile> ipv6 = new HashMap<>();

    /** @param capacity most IPs profiled per window */
    SourceIdentities(int capacity) {
        this.capacity = capacity;
    }

    /** Records an IPv4 source's successful request with an account (or null) and a human agent (or null). */
    void addIpv4(long address, String account, String humanAgent) {
        Profile profile = ipv4.get(address);
        if (profile == null) {
            if (full()) {
                return;
            }
            profile = new Profile();
            ipv4.put(address, profile);
        }
        profile.add(account, humanAgent);
    }

    /** The same for an IPv6 source, by its canonical text. */
    void addIpv6(String canonical, String account, String humanAgent) {
        Profile profile = ipv6.get(canonical);
        if (profile == null) {
            if (full()) {
                return;
            }
            profile = new Profile();
            ipv6.put(canonical, profile);
        }
        profile.add(account, humanAgent);
    }

    /** Distinct accounts or distinct human agents behind an IPv4 address, whichever is more; 0 if not profiled. */
    long ofIpv4(long address) {
        Profile profile = ipv4.get(address);
        return profile == null ? 0 : profile.identities();
    }

    /** The same for an IPv6 address. */
    long ofIpv6(String canonical) {
        Profile profile = ipv6.get(canonical);
        return profile == null ? 0 : profile.identities();
    }

    /** The profiled IPv4 addresses with at least {@code min} identities behind them. */
    List<Long> sharedIpv4(long min) {
        List<Long> shared = new ArrayList<>();
        ipv4.forEach((address, profile) -> {
            if (profile.identities() >= min) {
                shared.add(address);
            }
        });
        return shared;
    }

    /** The same for IPv6 addresses. */
    List<String> sharedIpv6(long min) {
        List<String> shared = new ArrayList<>();
        ipv6.forEach((address, profile) -> {
            if (profile.identities() >= min) {
                shared.add(address);
            }
        });
        return shared;
    }

    private boolean full() {
        return ipv4.size() + ipv6.size() >= capacity;
    }

    private static final class Profile {
        private final HllSketch accounts = new HllSketch(LG_K, TgtHllType.HLL_8);
        private final HllSketch agents = new HllSketch(LG_K, TgtHllType.HLL_8);

        void add(String account, String humanAgent) {
            if (account != null) {
                accounts.update(account.hashCode());
            }
            if (humanAgent != null) {
                agents.update(humanAgent.hashCode());
            }
        }

        long identities() {
            return Math.round(Math.max(accounts.getEstimate(), agents.getEstimate()));
        }
    }
}
