package io.floodwatch.producers.sim;

import io.floodwatch.schema.RequestEvent;

/**
 * A generated event with its ground truth, which never travels in the event itself.
 *
 * @param event the request event
 * @param actor name of the actor that sent it ({@code users} for the baseline population)
 * @param attack whether the actor is an attacker
 */
public record LabelledEvent(RequestEvent event, String actor, boolean attack) {
}
