package io.floodwatch.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * What reaches the terminal: Floodwatch's own lines, and warnings and errors of the components beneath it (the
 * embedded broker, the Kafka clients), which need the user's attention. Their informational lines go to the log file
 * only ({@link LogFile}).
 */
public final class TerminalFilter extends Filter<ILoggingEvent> {

    private static final String OWN = "io.floodwatch.";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (event.getLoggerName().startsWith(OWN) || event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        return FilterReply.DENY;
    }
}
