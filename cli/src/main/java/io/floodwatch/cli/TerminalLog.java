package io.floodwatch.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.CyclicBufferAppender;

import io.floodwatch.schema.text.LogText;

/**
 * Holds the terminal's log lines while a full-screen view owns the terminal: the lines that would have been printed
 * (the same filters apply) are kept, the latest few, for the view to show in its own frame, and printing resumes when
 * the view ends. The log file is not affected.
 */
final class TerminalLog implements AutoCloseable {

    private static final String TERMINAL = "TERMINAL";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final Logger root;
    private final Appender<ILoggingEvent> terminal;
    private final CyclicBufferAppender<ILoggingEvent> held;

    private TerminalLog(Logger root, Appender<ILoggingEvent> terminal, CyclicBufferAppender<ILoggingEvent> held) {
        this.root = root;
        this.terminal = terminal;
        this.held = held;
    }

    /**
     * Stops printing log lines on the terminal and keeps the latest instead.
     *
     * @param lines how many lines to keep
     */
    static TerminalLog hold(int lines) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return new TerminalLog(null, null, null);
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> terminal = root.getAppender(TERMINAL);
        if (terminal == null) {
            return new TerminalLog(null, null, null);
        }
        CyclicBufferAppender<ILoggingEvent> held = new CyclicBufferAppender<>();
        held.setContext(context);
        held.setName("HELD");
        held.setMaxSize(lines);
        terminal.getCopyOfAttachedFiltersList().forEach(held::addFilter);
        held.start();
        root.addAppender(held);
        root.detachAppender(terminal);
        return new TerminalLog(root, terminal, held);
    }

    /** The lines kept, oldest first, bounded and without control characters. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (held == null) {
            return lines;
        }
        for (int i = 0; i < held.getLength(); i++) {
            ILoggingEvent event = held.get(i);
            String logger = event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1);
            lines.add(LogText.bounded(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())) + " " + event.getLevel() + " "
                + logger + " - " + event.getFormattedMessage()));
        }
        return lines;
    }

    /** Prints log lines on the terminal again. */
    @Override
    public void close() {
        if (root != null) {
            root.addAppender(terminal);
            root.detachAppender(held);
            held.stop();
        }
    }
}
