package io.floodwatch.cli;

import java.nio.file.Path;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;

/**
 * The log file of a command that runs a broker or a detector: everything that is logged, the embedded broker's and the
 * Kafka clients' informational lines included, goes to {@code <data dir>/logs/floodwatch.log}, while the terminal keeps
 * Floodwatch's own lines and the warnings and errors ({@link TerminalFilter}).
 */
public final class LogFile {

    private static final String APPENDER = "FILE";
    private static final String[] BENEATH = {"kafka", "org.apache.kafka"};

    private LogFile() {
    }

    /**
     * Starts writing the log file under a data directory, appending to what an earlier run wrote.
     *
     * @param dataDir the command's data directory
     * @return the log file
     */
    public static Path under(Path dataDir) {
        Path file = dataDir.toAbsolutePath().resolve("logs").resolve("floodwatch.log");
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return file;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(APPENDER) != null) {
            root.detachAppender(APPENDER);
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
        for (String name : BENEATH) {
            context.getLogger(name).setLevel(Level.INFO);
        }
        return file;
    }
}
