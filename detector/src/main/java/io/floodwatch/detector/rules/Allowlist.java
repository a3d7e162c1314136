package io.floodwatch.detector.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.target.IpAddress;

/**
 * Sources that are never blocked, throttled or restricted: IPs and CIDRs (IPv4 or IPv6), accounts
 * ({@code account:ID}) and regions ({@code region:XX}, always allowed to register). A source command is covered when
 * its address or prefix overlaps an allowlisted one: blocking {@code 203.0.113.0/24} would block an allowlisted
 * {@code 203.0.113.7}. Immutable; built once per rule change, read per candidate.
 */
public final class Allowlist {

    private final List<Network> networks;
    private final Set<String> accounts;
    private final Set<String> regions;

    private Allowlist(List<Network> networks, Set<String> accounts, Set<String> regions) {
        this.networks = networks;
        this.accounts = accounts;
        this.regions = regions;
    }

    /**
     * Parses entries.
     *
     * @throws IllegalArgumentException naming the first entry that is not an IP, a CIDR, {@code account:ID} or
     *                                  {@code region:XX}
     */
    public static Allowlist parse(List<String> entries) {
        List<Network> networks = new ArrayList<>();
        Set<String> accounts = new HashSet<>();
        Set<String> regions = new HashSet<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.startsWith("account:") && entry.length() > "account:".length()) {
                accounts.add(entry.substring("account:".length()));
            } else if (entry.startsWith("region:")) {
                String region = entry.substring("region:".length()).toUpperCase(Locale.ROOT);
                if (!region.matches("[A-Z]{2}")) {
                    throw new IllegalArgumentException("allowlist entry '" + entry + "': a region is two letters, e.g. region:CN");
                }
                regions.add(region);
            } else {
                networks.add(Network.parse(entry));
            }
        }
        return new Allowlist(List.copyOf(networks), Set.copyOf(accounts), Set.copyOf(regions));
    }

    /** Whether a command on this target would act on something allowlisted. */
    public boolean covers(MitigationScope scope, String target) {
        return switch (scope) {
            case SOURCE_IP, SOURCE_PREFIX -> overlapsNetwork(target);
            case ACCOUNT -> accounts.contains(target);
            default -> false;
        };
    }

    /** Regions always allowed to register. */
    public Set<String> regions() {
        return regions;
    }

    private boolean overlapsNetwork(String target) {
        if (networks.isEmpty()) {
            return false;
        }
        Network network;
        try {
            network = Network.parse(target);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (Network allowed : networks) {
            if (allowed.overlaps(network)) {
                return true;
            }
        }
        return false;
    }

    /** An address block as 16 bytes (IPv4 mapped into {@code ::ffff:0:0/96}) and a prefix length. */
    private record Network(byte[] address, int length) {

        static Network parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            byte[] bytes = bytes16(host);
            if (bytes == null) {
                throw new IllegalArgumentException("allowlist entry '" + text
                    + "' is not an IP, a CIDR, account:ID or region:XX");
            }
            boolean ipv4 = IpAddress.parseIpv4(host) != IpAddress.NOT_IPV4;
            int max = ipv4 ? 32 : 128;
            int length = max;
            if (slash >= 0) {
                try {
                    length = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    length = -1;
                }
                if (length < 0 || length > max) {
                    throw new IllegalArgumentException("allowlist entry '" + text + "': prefix length must be 0-" + max);
                }
            }
            return new Network(bytes, ipv4 ? length + 96 : length);
        }

        boolean overlaps(Network other) {
            int bits = Math.min(length, other.length);
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (other.address[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] bytes16(String host) {
            long ipv4 = IpAddress.parseIpv4(host);
            if (ipv4 != IpAddress.NOT_IPV4) {
                byte[] bytes = new byte[16];
                bytes[10] = (byte) 0xff;
                bytes[11] = (byte) 0xff;
                for (int i = 0; i < 4; i++) {
                    bytes[12 + i] = (byte) (ipv4 >>> (24 - 8 * i));
                }
                return bytes;
            }
            return IpAddress.parseIpv6(host);
        }
    }
}
