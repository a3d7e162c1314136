package io.floodwatch.cli;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops log events that are known to be benign, at the logger that writes them: each rule names a logger and the
 * exception class it logs, as {@code logger|exception class}, and only that exception from that logger is dropped.
 * The reason for each rule is written beside it in {@code logback.xml}.
 */
public final class KnownBenignNoise extends TurboFilter {

    private final List<String[]> rules = new ArrayList<>();

    /** @param rule {@code logger|fully qualified exception class} */
    public void addRule(String rule) {
        String[] parts = rule.strip().split("\\|", 2);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            addError("expected logger|exception class, got '" + rule + "'");
            return;
        }
        rules.add(new String[] {parts[0].strip(), parts[1].strip()});
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || rules.isEmpty()) {
            return FilterReply.NEUTRAL;
        }
        Throwable thrown = t;
        if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            thrown = last;
        }
        if (thrown == null) {
            return FilterReply.NEUTRAL;
        }
        for (String[] rule : rules) {
            if (logger.getName().equals(rule[0]) && causedBy(thrown, rule[1])) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean causedBy(Throwable thrown, String className) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getClass().getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
