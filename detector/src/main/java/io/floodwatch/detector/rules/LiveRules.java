package io.floodwatch.detector.rules;

import java.util.function.Function;

/**
 * The rule book in force, shared by the processor that reads {@code detector-control} (on the global thread) and
 * the processors that apply the rules (on the stream threads): a volatile reference to an immutable
 * {@link RuleBook}, swapped whole on every accepted change.
 */
public final class LiveRules {

    private volatile RuleBook book;

    /** @param book the start-up rules */
    public LiveRules(RuleBook book) {
        this.book = book;
    }

    /** The rules in force. */
    public RuleBook current() {
        return book;
    }

    /** Puts a new book in force: the control stage's, when it accepts a change from {@code detector-control}. */
    public void replace(RuleBook next) {
        this.book = next;
    }

    /**
     * Something derived from the rule book, rebuilt only when the book changed: what a processor holds on to
     * (limits, rules, a policy), checked once per record at the cost of a volatile read.
     *
     * @param <T> what is derived
     */
    public static final class Derived<T> {
        private final LiveRules rules;
        private final Function<RuleBook, T> derive;
        private long version = -1;
        private T value;

        /**
         * @param rules the live rules
         * @param derive builds the derived value from a book
         */
        public Derived(LiveRules rules, Function<RuleBook, T> derive) {
            this.rules = rules;
            this.derive = derive;
        }

        /** The value for the rules in force. */
        public T get() {
            RuleBook book = rules.current();
            if (book.version() != version || value == null) {
                value = derive.apply(book);
                version = book.version();
            }
            return value;
        }
    }
}
