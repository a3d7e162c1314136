package io.floodwatch.producers.sim;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Comparator;

/**
 * Runs a scenario: merges its actors' events in event-time order, gives each a request id, and keeps the
 * service's load current so that legitimate responses react to floods. Deterministic for a given scenario.
 */
public final class Simulation implements Iterator<LabelledEvent> {

    private final PriorityQueue<Actor> actors = new PriorityQueue<>(Comparator.comparingLong(Actor::peekTime)
        .thenComparing(Actor::name));
    private final Load load;
    private long sequence;

    /** A simulation of the scenario. */
    public Simulation(Scenario scenario) {
        this.load = new Load(scenario.options().capacityPerSecond());
        for (Actor actor : scenario.actors()) {
            if (actor.peekTime() != Long.MAX_VALUE) {
                actors.add(actor);
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !actors.isEmpty();
    }

    @Override
    public LabelledEvent next() {
        Actor actor = actors.poll();
        if (actor == null) {
            throw new NoSuchElementException();
        }
        LabelledEvent labelled = actor.next(load);
        load.record(labelled.event().getTimestamp());
        labelled.event().setRequestId("r-" + Long.toString(sequence++, 36));
        if (actor.peekTime() != Long.MAX_VALUE) {
            actors.add(actor);
        }
        return labelled;
    }
}
