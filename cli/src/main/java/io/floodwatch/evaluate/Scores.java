package io.floodwatch.evaluate;

import java.util.List;

/** The scores of one evaluated traffic run. */
public final class Scores {

    private Scores() {
    }

    /**
     * How one attacker fared.
     *
     * @param actor the attacker's name
     * @param requests its requests
     * @param detected whether any command acted on its requests
     * @param timeToMitigateMs event time from its first request to the first command that acted on it, or -1
     * @param wallClockMs wall-clock time from publishing its first request to that command's emission, or -1
     * @param coverageAfter30s share of its requests from 30 s after onset on that active commands acted on
     * @param firstCommand the first command that acted on its requests, as "ACTION target", or null
     */
    public record Attack(String actor, long requests, boolean detected, long timeToMitigateMs, long wallClockMs,
                         double coverageAfter30s, String firstCommand) {
    }

    /**
     * A scenario's result.
     *
     * @param scenario scenario name (or the file evaluated)
     * @param attacks one entry per attacker
     * @param legitimateRequests requests of everyone else
     * @param collateralRequests share of legitimate requests that active commands acted on
     * @param collateralSources share of legitimate source addresses with at least one request acted on
     * @param commands commands issued (LIFTs excluded)
     * @param blocksAndRestrictions BLOCK and RESTRICT_REGISTRATION commands among them
     * @param endpointCommands the enforced commands on whole endpoints, as "ACTION route [allowed regions]", distinct
     */
    public record Scenario(String scenario, List<Attack> attacks, long legitimateRequests, double collateralRequests,
                           double collateralSources, long commands, long blocksAndRestrictions, List<String> endpointCommands) {

        /** Whether the traffic had no attacker at all. */
        public boolean attackFree() {
            return attacks.isEmpty();
        }
    }
}
