package io.floodwatch.cli;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps log lines that are known to be benign off the terminal; the log file still has them. Each rule names the
 * logger that writes the line and what identifies it: {@code logger|exception class} matches a line whose exception
 * (or one of its causes) is of that class, {@code logger|"text"} a line whose message contains the text. The
 * reason for each rule is written beside it in {@code logback.xml}.
 */
public final class KnownBenignNoise extends Filter<ILoggingEvent> {

    private record Rule(String logger, String exception, String message) {
    }

    private final List<Rule> rules = new ArrayList<>();

    /** @param rule {@code logger|fully qualified exception class} or {@code logger|"message text"} */
    public void addRule(String rule) {
        String[] parts = rule.strip().split("\\|", 2);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            addError("expected logger|exception class or logger|\"message text\", got '" + rule + "'");
            return;
        }
        String what = parts[1].strip();
        boolean message = what.length() >= 2 && what.startsWith("\"") && what.endsWith("\"");
        rules.add(new Rule(parts[0].strip(), message ? null : what, message ? what.substring(1, what.length() - 1) : null));
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        for (Rule rule : rules) {
            if (event.getLoggerName().equals(rule.logger()) && matches(rule, event)) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean matches(Rule rule, ILoggingEvent event) {
        if (rule.message() != null) {
            String message = event.getMessage();
            return message != null && message.contains(rule.message());
        }
        for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
            if (cause.getClassName().equals(rule.exception())) {
                return true;
            }
        }
        return false;
    }
}
