package io.floodwatch.detector.evaluate;

import io.floodwatch.detector.ingest.IpAddress;
import io.floodwatch.detector.rates.RouteClassifier;
import io.floodwatch.detector.rates.RouteNormalizer;
import io.floodwatch.detector.rates.SourceKeys;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.RequestEvent;

/**
 * What an enforcer would have done to one request given the commands in force: the command that blocks,
 * throttles or refuses it, if any. A registration restriction applies only to registrations from regions outside
 * its allowed list; every other command applies to every request of its target.
 */
final class Enforcement {

    private final ActiveCommands commands;
    private final RouteClassifier classifier;
    private final int ipv4PrefixLength;
    private final int ipv6PrefixLength;

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
        MitigationCommand command = commands.at(SourceKeys.key(MitigationScope.SOURCE_IP, ip), t);
        if (command != null) {
            return command;
        }
        String prefix = prefix(ip);
        if (prefix != null) {
            command = commands.at(SourceKeys.key(MitigationScope.SOURCE_PREFIX, prefix), t);
            if (command != null) {
                return command;
            }
        }
        String route = event.getMethod() + " " + RouteNormalizer.normalizePath(event.getPath());
        command = commands.at(SourceKeys.key(MitigationScope.ENDPOINT, route), t);
        if (command == null) {
            return null;
        }
        if (command.getAction() != MitigationAction.RESTRICT_REGISTRATION) {
            return command;
        }
        boolean allowed = command.getAllowedRegions() != null && event.getRegion() != null
            && command.getAllowedRegions().contains(event.getRegion().toUpperCase(java.util.Locale.ROOT));
        return classifier.isRegistration(route) && !allowed ? command : null;
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
