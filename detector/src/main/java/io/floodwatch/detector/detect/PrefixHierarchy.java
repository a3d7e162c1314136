package io.floodwatch.detector.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.floodwatch.schema.target.IpAddress;

/**
 * Hierarchical heavy hitters over a route's window: the smallest wider prefixes that explain its traffic. The levels
 * are walked from the narrowest up; a wider prefix is chosen when what it carries beyond the prefixes already chosen
 * inside it is at least {@code minRequests}, and then stands for them (one command on the block, not one per part of
 * it). A flood from a fresh /64 for every request inside one /48 is explained by the /48 alone; a crowd whose users
 * merely share an ISP's /16 is not explained by any block, since no block carries a large share of the route. Pure
 * functions of the window's counts.
 */
public final class PrefixHierarchy {

    /**
     * A wider prefix chosen.
     *
     * @param cidr the prefix
     * @param requests what it carried in the window
     * @param beyondNarrower what it carried beyond the prefixes chosen inside it
     */
    public record Block(String cidr, long requests, long beyondNarrower) {
    }

    /**
     * The choice.
     *
     * @param blocks the wider prefixes chosen and not themselves inside a wider one chosen, narrowest first
     * @param covered the narrower prefixes given that a chosen block now stands for
     */
    public record Choice(List<Block> blocks, Set<String> covered) {

        /** What the blocks carried, in all. */
        public long requests() {
            return blocks.stream().mapToLong(Block::requests).sum();
        }
    }

    private PrefixHierarchy() {
    }

    /**
     * Chooses the wider prefixes that explain the window.
     *
     * @param narrower prefixes already chosen at the prefix length (CIDR to requests): a wider prefix is judged on
     *                 what it carries beyond them
     * @param wider the window's heaviest wider prefixes (CIDR to requests), any levels
     * @param minRequests what a wider prefix must carry beyond the chosen prefixes inside it
     */
    public static Choice explain(Map<String, Long> narrower, Map<String, Long> wider, long minRequests) {
        Map<String, Chosen> chosen = new LinkedHashMap<>();
        narrower.forEach((cidr, count) -> {
            Network network = Network.parse(cidr);
            if (network != null) {
                chosen.put(cidr, new Chosen(network, count, count));
            }
        });
        List<Chosen> levels = new ArrayList<>();
        wider.forEach((cidr, count) -> {
            Network network = Network.parse(cidr);
            if (network != null) {
                levels.add(new Chosen(network, count, 0));
            }
        });
        levels.sort(Comparator.<Chosen>comparingInt(c -> -c.network.length).thenComparingLong(c -> -c.requests)
            .thenComparing(c -> c.network.cidr));
        for (Chosen block : levels) {
            List<String> inside = new ArrayList<>();
            long explained = 0;
            for (Map.Entry<String, Chosen> entry : chosen.entrySet()) {
                if (block.network.covers(entry.getValue().network)) {
                    inside.add(entry.getKey());
                    explained += entry.getValue().requests;
                }
            }
            long beyond = block.requests - explained;
            if (beyond >= minRequests) {
                inside.forEach(chosen::remove);
                chosen.put(block.network.cidr, new Chosen(block.network, block.requests, beyond));
            }
        }
        List<Block> blocks = new ArrayList<>();
        Set<String> covered = new TreeSet<>(narrower.keySet());
        chosen.forEach((cidr, c) -> {
            if (narrower.containsKey(cidr)) {
                covered.remove(cidr);
            } else {
                blocks.add(new Block(cidr, c.requests, c.beyond));
            }
        });
        return new Choice(blocks, covered);
    }

    private record Chosen(Network network, long requests, long beyond) {
    }

    /** A network of either family: IPv4 as a 32-bit value, IPv6 as its top 64 bits (prefixes of at most /64). */
    private record Network(String cidr, boolean ipv6, long bits, int length) {

        static Network parse(String cidr) {
            int slash = cidr.indexOf('/');
            if (slash < 0) {
                return null;
            }
            int length;
            try {
                length = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            String address = cidr.substring(0, slash);
            long ipv4 = IpAddress.parseIpv4(address);
            if (ipv4 != IpAddress.NOT_IPV4 && length >= 0 && length <= 32) {
                return new Network(cidr, false, IpAddress.ipv4Network(ipv4, length), length);
            }
            byte[] ipv6 = ipv4 == IpAddress.NOT_IPV4 ? IpAddress.parseIpv6(address) : null;
            if (ipv6 != null && length >= 0 && length <= 64) {
                return new Network(cidr, true, IpAddress.ipv6Network(IpAddress.ipv6High(ipv6), length), length);
            }
            return null;
        }

        boolean covers(Network other) {
            if (ipv6 != other.ipv6 || length > other.length) {
                return false;
            }
            return (ipv6 ? IpAddress.ipv6Network(other.bits, length) : IpAddress.ipv4Network(other.bits, length)) == bits;
        }
    }
}
