package io.floodwatch.evaluate;

import java.util.HashMap;
import java.util.Map;

import io.floodwatch.detector.rules.RouteClassifier;
import io.floodwatch.gateway.enforce.TokenBucket;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.target.IpAddress;
import io.floodwatch.schema.target.RoutePaths;
import io.floodwatch.schema.target.TargetKeys;
import io.floodwatch.schema.target.UserAgents;

/**
 * What an enforcer would have done to one request given the commands in force: the command that blocks,
 * throttles or refuses it, if any. A registration restriction applies only to registrations from regions outside
 * its allowed list; a region restriction to requests from outside its allowed list (and without a region), held to
 * its rate in all, or refused without one; an account requirement to requests without an account; a refusal of
 * scripts to requests with a script's user agent (or none); a THROTTLE refuses only what exceeds its rate, through a token bucket per target (one second
 * of burst, refilled in event time), as a gateway's enforcement table does; a BLOCK refuses everything of its target.
 * Requests must come in event-time order.
 */
final class Enforcement {

    private final ActiveCommands commands;
    private final RouteClassifier classifier;
    private final Map<String, TokenBucket> buckets = new HashMap<>();

    Enforcement(ActiveCommands commands, RouteClassifier classifier) {
        this.commands = commands;
        this.classifier = classifier;
    }

    /** The command that would have acted on the request, or null. */
    MitigationCommand applied(RequestEvent event) {
        if (commands.isEmpty()) {
            return null;
        }
        long t = event.getTimestamp();
        String ip = event.getSourceIp();
        MitigationCommand command = refused(commands.at(TargetKeys.key(MitigationScope.SOURCE_IP, ip), t), t);
        if (command != null) {
            return command;
        }
        command = onPrefixes(ip, t);
        if (command != null) {
            return command;
        }
        String route = RoutePaths.route(event.getMethod(), event.getPath());
        command = commands.at(TargetKeys.key(MitigationScope.ENDPOINT, route), t);
        if (command == null) {
            return null;
        }
        boolean allowed = command.getAllowedRegions() != null && event.getRegion() != null
            && command.getAllowedRegions().contains(event.getRegion().toUpperCase(java.util.Locale.ROOT));
        return switch (command.getAction()) {
            case RESTRICT_REGISTRATION -> classifier.isRegistration(route) && !allowed ? command : null;
            case RESTRICT_REGION -> allowed ? null : command.getRateLimitPerSecond() == null ? command : throttled(command, t);
            case REQUIRE_ACCOUNT -> event.getAccountId() == null ? command : null;
            case REFUSE_SCRIPTED -> UserAgents.isScripted(event.getUserAgent()) ? command : null;
            default -> refused(command, t);
        };
    }

    /** The command if it refuses a request at event time {@code t}: always for a BLOCK, past the rate for a THROTTLE. */
    private MitigationCommand refused(MitigationCommand command, long t) {
        if (command == null || command.getAction() != MitigationAction.THROTTLE || command.getRateLimitPerSecond() == null) {
            return command;
        }
        return throttled(command, t);
    }

    /** The command if its rate is used up at event time {@code t}, one token bucket per target. */
    private MitigationCommand throttled(MitigationCommand command, long t) {
        double rate = command.getRateLimitPerSecond();
        TokenBucket bucket = buckets.computeIfAbsent(TargetKeys.key(command.getScope(), command.getTarget()),
            key -> new TokenBucket(rate, t));
        return bucket.tryTake(t) ? null : command;
    }

    /** The command on a prefix holding the address that refuses it, most specific prefix first, or null. */
    private MitigationCommand onPrefixes(String ip, long t) {
        long ipv4 = IpAddress.parseIpv4(ip);
        byte[] ipv6 = ipv4 == IpAddress.NOT_IPV4 ? IpAddress.parseIpv6(ip) : null;
        if (ipv4 == IpAddress.NOT_IPV4 && ipv6 == null) {
            return null;
        }
        for (int length : commands.prefixLengths(ipv6 != null)) {
            String prefix = ipv6 == null ? IpAddress.ipv4Cidr(IpAddress.ipv4Network(ipv4, length), length)
                : length > 64 ? null : IpAddress.ipv6Cidr(IpAddress.ipv6Network(IpAddress.ipv6High(ipv6), length), length);
            MitigationCommand command = prefix == null ? null
                : refused(commands.at(TargetKeys.key(MitigationScope.SOURCE_PREFIX, prefix), t), t);
            if (command != null) {
                return command;
            }
        }
        return null;
    }
}
