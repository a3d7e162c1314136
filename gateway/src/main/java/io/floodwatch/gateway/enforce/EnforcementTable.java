package io.floodwatch.gateway.enforce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.target.RoutePaths;
import io.floodwatch.schema.target.UserAgents;
import io.floodwatch.schema.target.TargetKeys;

/**
 * The commands of the {@code mitigations} topic a gateway enforces, and the decision for each request.
 *
 * <p>The topic is compacted and keyed by target, so the table keeps at most one command per target key: a newer
 * command for the key replaces the older one, a LIFT or a DRY_RUN command removes it, and a command past its expiry
 * no longer applies (and is swept away). The detector writes {@code detectedAt} and {@code expiresAt} in event time
 * and {@code issuedAt} in wall-clock time, so a command expires {@code expiresAt - detectedAt} after
 * {@code issuedAt} on the gateway's clock, however far behind traffic the detector ran. A request is refused if any command in force names its
 * account, its address or a network containing it (most specific first), or its route:
 * BLOCK refuses it; RESTRICT_REGISTRATION (on a registration route) refuses requests from regions outside the
 * allowed ones, and requests without a region; RESTRICT_REGION (on any route) lets the allowed regions through and
 * holds the others, and requests without a region, to the command's rate in all (one token bucket), or refuses them
 * when it has none; REQUIRE_ACCOUNT (on any route) refuses the requests without an account; REFUSE_SCRIPTED (on any
 * route) refuses the requests whose user agent is absent or a script's; THROTTLE
 * refuses what exceeds the command's rate, through one token bucket per command. Endpoint THROTTLEs apply
 * {@code rateShare} of their rate, so that N gateways behind a balancer together admit the rate the command names.
 *
 * <p>Lookups cost a few hash lookups (one per distinct prefix length in force): no scan, whatever the number of
 * commands. One thread applies commands; any number of threads decide.
 */
public final class EnforcementTable {

    /** Why a command was not applied. */
    public static final class RejectedCommandException extends Exception {
        private static final long serialVersionUID = 1L;

        RejectedCommandException(String message) {
            super(message);
        }
    }

    /** What applying a command did. */
    public enum Outcome {
        /** Now in force. */
        ENFORCED,
        /** A LIFT removed the command for its target, if there was one. */
        LIFTED,
        /** A DRY_RUN command: published for people, not enforced; it removes an enforced one for its target. */
        DRY_RUN,
        /** Already past its expiry. */
        EXPIRED
    }

    private final Map<String, Entry> byKey = new ConcurrentHashMap<>();
    private final Map<Network, Entry> networks = new ConcurrentHashMap<>();
    private final Map<String, Entry> accounts = new ConcurrentHashMap<>();
    private final Map<String, Entry> routes = new ConcurrentHashMap<>();
    private final int[] ipv4Counts = new int[33];
    private final int[] ipv6Counts = new int[129];
    private volatile int[] ipv4Lengths = new int[0];
    private volatile int[] ipv6Lengths = new int[0];
    private final double rateShare;
    private final LongSupplier clock;
    private final LongAdder enforced = new LongAdder();
    private final LongAdder lifted = new LongAdder();
    private final LongAdder dryRun = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    /**
     * @param rateShare share of an endpoint THROTTLE's rate this gateway admits (1 / number of gateways), in (0, 1]
     * @param clock wall-clock time in epoch milliseconds
     */
    public EnforcementTable(double rateShare, LongSupplier clock) {
        if (!(rateShare > 0 && rateShare <= 1)) {
            throw new IllegalArgumentException("rate share must be in (0, 1], was " + rateShare);
        }
        this.rateShare = rateShare;
        this.clock = clock;
    }

    /** A table for a lone gateway on the system clock. */
    public EnforcementTable() {
        this(1.0, System::currentTimeMillis);
    }

    /**
     * Applies one command read from the topic.
     *
     * @throws RejectedCommandException if the command cannot be enforced (unknown action or scope, a target that
     *     does not parse, a THROTTLE without a positive rate); the table is unchanged
     */
    public Outcome apply(MitigationCommand command) throws RejectedCommandException {
        try {
            return applyValid(command);
        } catch (RejectedCommandException e) {
            rejected.increment();
            throw e;
        }
    }

    private synchronized Outcome applyValid(MitigationCommand command) throws RejectedCommandException {
        MitigationScope scope = command.getScope();
        MitigationAction action = command.getAction();
        if (scope == MitigationScope.UNKNOWN) {
            throw new RejectedCommandException("unknown scope");
        }
        if (action == MitigationAction.UNKNOWN) {
            throw new RejectedCommandException("unknown action");
        }
        String target = command.getTarget();
        Network network = network(scope, target);
        if (action == MitigationAction.THROTTLE
            && (command.getRateLimitPerSecond() == null || !(command.getRateLimitPerSecond() > 0))) {
            throw new RejectedCommandException("THROTTLE without a positive rateLimitPerSecond");
        }
        if ((action == MitigationAction.RESTRICT_REGISTRATION || action == MitigationAction.RESTRICT_REGION
            || action == MitigationAction.REQUIRE_ACCOUNT || action == MitigationAction.REFUSE_SCRIPTED)
            && scope != MitigationScope.ENDPOINT) {
            throw new RejectedCommandException(action + " applies to an ENDPOINT, not a " + scope);
        }
        if (action == MitigationAction.RESTRICT_REGION && command.getRateLimitPerSecond() != null
            && !(command.getRateLimitPerSecond() > 0)) {
            throw new RejectedCommandException("RESTRICT_REGION with a rateLimitPerSecond that is not positive");
        }
        String key = key(scope, target, network);
        long now = clock.getAsLong();
        if (action == MitigationAction.LIFT) {
            remove(key, null);
            lifted.increment();
            return Outcome.LIFTED;
        }
        if (command.getMode() != MitigationMode.ENFORCE) {
            remove(key, null);
            dryRun.increment();
            return Outcome.DRY_RUN;
        }
        Entry previous = byKey.get(key);
        Entry entry = new Entry(key, command, network, bucket(command, scope, previous, now));
        if (entry.expiresAt <= now) {
            remove(key, null);
            expired.increment();
            return Outcome.EXPIRED;
        }
        // the new entry replaces the old one in place, so a refresh never leaves a moment without a command
        byKey.put(key, entry);
        switch (scope) {
            case SOURCE_IP, SOURCE_PREFIX -> addNetwork(network, entry);
            case ACCOUNT -> accounts.put(target, entry);
            default -> routes.put(target, entry);
        }
        enforced.increment();
        return Outcome.ENFORCED;
    }

    /** The network a source command names, or null for other scopes. */
    private static Network network(MitigationScope scope, String target) throws RejectedCommandException {
        switch (scope) {
            case SOURCE_IP -> {
                Network address = Network.address(target);
                if (address == null) {
                    throw new RejectedCommandException("target is not an IP address");
                }
                return address;
            }
            case SOURCE_PREFIX -> {
                try {
                    return Network.cidr(target);
                } catch (IllegalArgumentException e) {
                    throw new RejectedCommandException("target is " + e.getMessage());
                }
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The table's key of a target: source commands by the network they cover (so {@code ip:1.2.3.4},
     * {@code prefix:1.2.3.4/32} and {@code ip:::ffff:1.2.3.4} are one target, as they are one network), others by
     * their topic key.
     */
    private static String key(MitigationScope scope, String target, Network network) {
        return network != null ? "net:" + network : TargetKeys.key(scope, target);
    }

    /**
     * The bucket of a THROTTLE, or of a RESTRICT_REGION's budget for other regions: the previous one when a refresh
     * keeps the rate, so a refresh does not refill it.
     */
    private TokenBucket bucket(MitigationCommand command, MitigationScope scope, Entry previous, long now) {
        boolean budget = command.getAction() == MitigationAction.RESTRICT_REGION && command.getRateLimitPerSecond() != null;
        if (command.getAction() != MitigationAction.THROTTLE && !budget) {
            return null;
        }
        if (previous != null && previous.bucket != null
            && command.getRateLimitPerSecond().equals(previous.command.getRateLimitPerSecond())) {
            return previous.bucket;
        }
        double rate = command.getRateLimitPerSecond() * (scope == MitigationScope.ENDPOINT ? rateShare : 1.0);
        return new TokenBucket(rate, now);
    }

    /**
     * Removes the command of a topic key (a tombstone on the topic); whether there was one.
     *
     * @param topicKey the key as on the topic: {@code ip:…}, {@code prefix:…}, {@code account:…}, {@code endpoint:…}
     */
    public synchronized boolean remove(String topicKey) {
        for (MitigationScope scope : MitigationScope.values()) {
            String prefix = TargetKeys.key(scope, "");
            if (scope != MitigationScope.UNKNOWN && topicKey.startsWith(prefix)) {
                String target = topicKey.substring(prefix.length());
                try {
                    return remove(key(scope, target, network(scope, target)), null) != null;
                } catch (RejectedCommandException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Removes the entry of a table key, if it is {@code only} (or any entry when null); the entry removed. */
    private Entry remove(String key, Entry only) {
        Entry entry = byKey.get(key);
        if (entry == null || (only != null && entry != only)) {
            return null;
        }
        byKey.remove(key);
        switch (entry.command.getScope()) {
            case SOURCE_IP, SOURCE_PREFIX -> removeNetwork(entry.network);
            case ACCOUNT -> accounts.remove(entry.command.getTarget());
            default -> routes.remove(entry.command.getTarget());
        }
        return entry;
    }

    /** Drops commands past their expiry; how many. */
    public synchronized int sweep() {
        long now = clock.getAsLong();
        int swept = 0;
        for (Entry entry : List.copyOf(byKey.values())) {
            if (entry.expiresAt <= now && remove(entry.key, entry) != null) {
                swept++;
            }
        }
        return swept;
    }

    /** The decision for one request now. */
    public Decision decide(GatewayRequest request) {
        long now = clock.getAsLong();
        if (request.accountId() != null && !accounts.isEmpty()) {
            Decision decision = decide(accounts.get(request.accountId()), request, now);
            if (decision != Decision.ALLOW) {
                return decision;
            }
        }
        if (!networks.isEmpty()) {
            Network address = Network.address(request.sourceIp());
            if (address != null) {
                int[] lengths = address.ipv6() ? ipv6Lengths : ipv4Lengths;
                for (int length : lengths) {
                    Decision decision = decide(networks.get(address.truncate(length)), request, now);
                    if (decision != Decision.ALLOW) {
                        return decision;
                    }
                }
            }
        }
        if (!routes.isEmpty() && request.method() != null && request.path() != null) {
            return decide(routes.get(RoutePaths.route(request.method(), request.path())), request, now);
        }
        return Decision.ALLOW;
    }

    private static Decision decide(Entry entry, GatewayRequest request, long now) {
        if (entry == null || entry.expiresAt <= now) {
            return Decision.ALLOW;
        }
        return switch (entry.command.getAction()) {
            case BLOCK -> Decision.BLOCK;
            case THROTTLE -> entry.bucket.tryTake(now) ? Decision.ALLOW : Decision.THROTTLE;
            case RESTRICT_REGISTRATION -> entry.allows(request.region()) ? Decision.ALLOW : Decision.REFUSE_REGISTRATION;
            case RESTRICT_REGION -> entry.allows(request.region()) || (entry.bucket != null && entry.bucket.tryTake(now))
                ? Decision.ALLOW : Decision.REFUSE_REGION;
            case REQUIRE_ACCOUNT -> request.accountId() != null ? Decision.ALLOW : Decision.REFUSE_ANONYMOUS;
            case REFUSE_SCRIPTED -> UserAgents.isScripted(request.userAgent()) ? Decision.REFUSE_SCRIPTED : Decision.ALLOW;
            default -> Decision.ALLOW;
        };
    }

    /**
     * The commands in force on an address and the prefixes that hold it, most specific first, without spending any
     * throttle budget: what an operator asks when an address is refused.
     */
    public List<MitigationCommand> onAddress(String sourceIp) {
        Network address = Network.address(sourceIp);
        if (address == null || networks.isEmpty()) {
            return List.of();
        }
        long now = clock.getAsLong();
        List<MitigationCommand> found = new ArrayList<>();
        for (int length : address.ipv6() ? ipv6Lengths : ipv4Lengths) {
            Entry entry = networks.get(address.truncate(length));
            if (entry != null && entry.expiresAt > now) {
                found.add(entry.command);
            }
        }
        return found;
    }

    /** Commands in force (including expired ones not yet swept). */
    public int size() {
        return byKey.size();
    }

    /** Counts of what applying commands did, for metrics. */
    public Map<String, Long> counts() {
        return Map.of("enforced", enforced.sum(), "lifted", lifted.sum(), "dryRun", dryRun.sum(),
            "expired", expired.sum(), "rejected", rejected.sum(), "active", (long) byKey.size());
    }

    private void addNetwork(Network network, Entry entry) {
        if (networks.put(network, entry) != null) {
            return;
        }
        int[] counts = network.ipv6() ? ipv6Counts : ipv4Counts;
        if (counts[network.length()]++ == 0) {
            publishLengths(network.ipv6());
        }
    }

    private void removeNetwork(Network network) {
        networks.remove(network);
        int[] counts = network.ipv6() ? ipv6Counts : ipv4Counts;
        if (--counts[network.length()] == 0) {
            publishLengths(network.ipv6());
        }
    }

    /** Publishes the prefix lengths in force, longest first, so lookups try the most specific command first. */
    private void publishLengths(boolean ipv6) {
        int[] counts = ipv6 ? ipv6Counts : ipv4Counts;
        int n = 0;
        for (int count : counts) {
            if (count > 0) {
                n++;
            }
        }
        int[] lengths = new int[n];
        int i = 0;
        for (int length = counts.length - 1; length >= 0; length--) {
            if (counts[length] > 0) {
                lengths[i++] = length;
            }
        }
        if (ipv6) {
            ipv6Lengths = lengths;
        } else {
            ipv4Lengths = lengths;
        }
    }

    /** One command in force. */
    private static final class Entry {
        final String key;
        final MitigationCommand command;
        final Network network;
        final TokenBucket bucket;
        final long expiresAt;
        final Set<String> allowedRegions;

        Entry(String key, MitigationCommand command, Network network, TokenBucket bucket) {
            this.key = key;
            this.command = command;
            this.network = network;
            this.bucket = bucket;
            // the detector's expiresAt is in event time; its lifetime runs from issuedAt on this gateway's clock
            this.expiresAt = command.getIssuedAt() + Math.max(0, command.getExpiresAt() - command.getDetectedAt());
            this.allowedRegions = command.getAllowedRegions() == null ? Set.of()
                : Set.copyOf(command.getAllowedRegions().stream().map(r -> r.toString().toUpperCase(Locale.ROOT)).toList());
        }

        boolean allows(String region) {
            return region != null && allowedRegions.contains(region.toUpperCase(Locale.ROOT));
        }
    }
}
