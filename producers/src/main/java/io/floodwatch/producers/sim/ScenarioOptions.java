package io.floodwatch.producers.sim;

import java.util.List;

/**
 * Parameters of a scenario; every one is a command-line flag of {@code simulate}.
 *
 * @param seed random seed: the same options and seed give the same events
 * @param start event time of the first event, epoch ms
 * @param durationMs length of the simulation in event time
 * @param baseRate peak events per second of the ordinary population
 * @param attackRate events per second of the attack (or of the flash crowd) at full strength
 * @param attackStartMs offset of the attack from the start
 * @param attackDurationMs length of the attack
 * @param sources attacking source addresses
 * @param prefixes /24 prefixes the attacking addresses are spread over
 * @param attackRegions regions the attack comes from
 * @param crowdRegions regions a flash crowd comes from
 * @param capacityPerSecond requests per second the service handles before it degrades
 */
public record ScenarioOptions(long seed, long start, long durationMs, double baseRate, double attackRate,
                              long attackStartMs, long attackDurationMs, int sources, int prefixes,
                              List<String> attackRegions, List<String> crowdRegions, double capacityPerSecond) {

    /** Defaults: 10 minutes, 200 events/s of users, an attack at 10x that rate from minute 4 to minute 8. */
    public static ScenarioOptions defaults(long start) {
        return new ScenarioOptions(42, start, 600_000, 200, 2000, 240_000, 240_000, 5000, 40,
            List.of("BR", "IN", "VN"), List.of("US", "GB", "IN"), 3000);
    }

    /**
     * The defaults scaled to a duration: the attack (or crowd) runs from 40% to 80% of it, leaving a baseline
     * before and a recovery after.
     */
    public static ScenarioOptions scaled(long seed, long start, long durationMs, double baseRate, double attackRate) {
        ScenarioOptions defaults = defaults(start);
        return new ScenarioOptions(seed, start, durationMs, baseRate, attackRate, durationMs * 2 / 5, durationMs * 2 / 5,
            defaults.sources(), defaults.prefixes(), defaults.attackRegions(), defaults.crowdRegions(),
            defaults.capacityPerSecond());
    }

    /** Event time at which the attack starts. */
    public long attackStart() {
        return start + attackStartMs;
    }

    /** Event time at which the attack ends. */
    public long attackEnd() {
        return start + attackStartMs + attackDurationMs;
    }

    /** Event time at which the simulation ends. */
    public long end() {
        return start + durationMs;
    }
}
