package io.floodwatch.producers.sim;

import java.util.List;
import java.util.Locale;

import io.floodwatch.schema.RequestEvent;

/**
 * An attacker that owns one IPv6 /48 (a hosting customer's allocation) and sends every request from a fresh /64
 * inside it, with a fresh interface id: no address and no /64 repeats often enough to stand out, only the /48 does.
 */
final class SubnetFlood extends PoissonActor {

    private final long network48;
    private final String region;
    private final List<String> agents;
    private final Botnet.Shape shape;

    /**
     * @param network48 the /48, as the top 48 bits of a 64-bit value (the low 16 bits are the /64's subnet id)
     * @param region the region the /48 is routed in
     */
    SubnetFlood(String name, long seed, long start, long end, RateProfile rate, long network48, String region,
                List<String> agents, Botnet.Shape shape) {
        super(name, true, seed, start, end, rate);
        this.network48 = network48 & 0xFFFF_FFFF_FFFF_0000L;
        this.region = region;
        this.agents = agents;
        this.shape = shape;
    }

    @Override
    protected RequestEvent request(long timestamp, Load load) {
        long high = network48 | (random.nextInt() & 0xFFFFL);
        long interfaceId = random.nextLong();
        Botnet.Request request = shape.next(random);
        return request(timestamp, ipv6(high, interfaceId), request.method(), request.path(), request.status(),
            5 + random.nextInt(60), region, agents.get(random.nextInt(agents.size()))).build();
    }

    /** The full (uncompressed) text of an IPv6 address from its two halves. */
    static String ipv6(long high, long low) {
        return String.format(Locale.ROOT, "%x:%x:%x:%x:%x:%x:%x:%x", (high >>> 48) & 0xFFFF, (high >>> 32) & 0xFFFF,
            (high >>> 16) & 0xFFFF, high & 0xFFFF, (low >>> 48) & 0xFFFF, (low >>> 32) & 0xFFFF, (low >>> 16) & 0xFFFF,
            low & 0xFFFF);
    }
}
