package io.floodwatch.producers.sim;

import java.util.List;

/**
 * A named timeline of actors on top of the baseline population.
 *
 * @param name scenario name
 * @param description what it shows
 * @param options its parameters
 * @param actors who sends traffic
 */
public record Scenario(String name, String description, ScenarioOptions options, List<Actor> actors) {

    /** Whether any actor is an attacker. */
    public boolean hasAttack() {
        return actors.stream().anyMatch(Actor::attack);
    }
}
