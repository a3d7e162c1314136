package io.floodwatch.producers.sim;

/**
 * A source of time-ordered labelled events: the baseline population, an attack, a flash crowd. Each actor owns
 * its random generator, so a simulation is reproducible from its seed whatever the interleaving.
 */
public interface Actor {

    /** Event time of the next event, or {@link Long#MAX_VALUE} when the actor is done. */
    long peekTime();

    /** The next event; only valid when {@link #peekTime()} is not {@link Long#MAX_VALUE}. */
    LabelledEvent next(Load load);

    /** The actor's name, used as its label. */
    String name();

    /** Whether this actor is an attacker. */
    boolean attack();
}
