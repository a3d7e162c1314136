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

/**
 * What an enforcer would have done to one request given the commands in force: the command that blocks,
 * throttles or refuses it, if any. A registration restriction applies only to registrations from regions outside
 * its allowed list; a region restriction to requests from outside its allowed list (and without a region), held to
 * its rate in all, or refused without one; a THROTTLE refuses only what exceeds its rate, through a token bucket per target (one second
 * of burst, refilled in event time), as a gateway's enforcement table does; a BLOCK refuses everything of its target.
 * Requests must come in event-time order.
 */
final class Enforcement {

    private final ActiveCommands commands;
    private final RouteClassifier classifier;
    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;
    private final Map<String, TokenBucket> buckets = new HashMap<>();

    Enforcement(ActiveCommands commands, RouteClassifier classifier, int ipv4PrefixLength, int ipv6PrefixLength) {
        this.commands = commands;
        this.classifier = classifier;
        this.ipv4PrefixLength = ipv4PrefixLength;
        this.ipv6PrefixLength = ipv6PrefixLength;
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
        String prefix = prefix(ip);
        if (prefix != null) {
            command = refused(commands.at(TargetKeys.key(MitigationScope.SOURCE_PREFIX, prefix), t), t);
            if (command != null) {
                return command;
            }
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

    private String prefix(String ip) {
        long ipv4 = IpAddress.parseIpv4(ip);
        if (ipv4 != IpAddress.NOT_IPV4) {
            return IpAddress.ipv4Cidr(IpAddress.ipv4Network(ipv4, ipv4PrefixLength), ipv4PrefixLength);
        }
        byte[] ipv6 = IpAddress.parseIpv6(ip);
        return ipv6 == null ? null : IpAddress.ipv6Cidr(IpAddress.ipv6Network(IpAddress.ipv6High(ipv6), ipv6PrefixLength), ipv6PrefixLength);
    }
}
