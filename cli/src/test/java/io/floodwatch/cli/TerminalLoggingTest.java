package io.floodwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;

class TerminalLoggingTest {

    private final LoggerContext context = new LoggerContext();

    private LoggingEvent event(String logger, Level level, String message, Throwable thrown) {
        return new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, thrown, null);
    }

    @Test
    void shouldShowOwnLinesAndOthersWarningsWhenTheTerminalFilterDecides() {
        // Given
        TerminalFilter filter = new TerminalFilter();

        // When
        FilterReply own = filter.decide(event("io.floodwatch.detector.app.DetectorApp", Level.INFO, "running", null));
        FilterReply brokerInfo = filter.decide(event("kafka.server.KafkaApis", Level.INFO, "created", null));
        FilterReply brokerWarning = filter.decide(event("kafka.server.KafkaApis", Level.WARN, "disk full", null));

        // Then
        assertEquals(FilterReply.NEUTRAL, own);
        assertEquals(FilterReply.DENY, brokerInfo);
        assertEquals(FilterReply.NEUTRAL, brokerWarning);
    }

    @Test
    void shouldDropOnlyTheNamedLineWhenAKnownBenignRuleMatchesItsLoggerAndCause() {
        // Given the rules of logback.xml's kind
        KnownBenignNoise filter = new KnownBenignNoise();
        filter.setContext(context);
        filter.addRule("kafka.server.ReplicaManager|org.apache.kafka.common.errors.OutOfOrderSequenceException");
        filter.addRule("org.apache.kafka.controller.QuorumController|\"Performing controller activation\"");
        Exception retriable = new RuntimeException("wrapped",
            new org.apache.kafka.common.errors.OutOfOrderSequenceException("Expected sequence 0"));

        // When
        FilterReply benign = filter.decide(event("kafka.server.ReplicaManager", Level.ERROR, "error", retriable));
        FilterReply otherCause = filter.decide(event("kafka.server.ReplicaManager", Level.ERROR, "error",
            new IllegalStateException("log dir failed")));
        FilterReply otherLogger = filter.decide(event("kafka.server.KafkaApis", Level.ERROR, "error", retriable));
        FilterReply message = filter.decide(event("org.apache.kafka.controller.QuorumController", Level.WARN,
            "[QuorumController id=1] Performing controller activation. The metadata log appears to be empty.", null));
        FilterReply otherMessage = filter.decide(event("org.apache.kafka.controller.QuorumController", Level.WARN,
            "[QuorumController id=1] Renouncing leadership", null));

        // Then
        assertEquals(FilterReply.DENY, benign);
        assertEquals(FilterReply.NEUTRAL, otherCause);
        assertEquals(FilterReply.NEUTRAL, otherLogger);
        assertEquals(FilterReply.DENY, message);
        assertEquals(FilterReply.NEUTRAL, otherMessage);
    }
}
