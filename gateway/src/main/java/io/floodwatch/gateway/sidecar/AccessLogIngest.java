package io.floodwatch.gateway.sidecar;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.text.LogText;

/**
 * Access-log lines in, request events out: each line is parsed ({@link AccessLogLines}) and published; a line that
 * does not parse is counted and skipped with a log line (at most one every few seconds, bounded and stripped of
 * control characters). Shared by the syslog receiver and the file tailer. Thread-safe.
 */
public final class AccessLogIngest {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogIngest.class);
    private static final long WARNING_INTERVAL_MS = 5_000;
    private static final int EXCERPT = 200;

    private final RequestEventPublisher publisher;
    private final LongAdder received = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private volatile long lastWarning;

    /** @param publisher where request events go */
    public AccessLogIngest(RequestEventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Takes one line. */
    public void accept(byte[] data, int offset, int length) {
        received.increment();
        RequestEvent event;
        try {
            event = AccessLogLines.parse(data, offset, length);
        } catch (InvalidEventException e) {
            malformed.increment();
            long now = System.currentTimeMillis();
            if (now - lastWarning >= WARNING_INTERVAL_MS) {
                lastWarning = now;
                LOG.warn("Skipped access log line ({} malformed so far): {}: {}", malformed.sum(), e.getMessage(),
                    LogText.bounded(new String(data, offset, Math.min(length, EXCERPT), StandardCharsets.UTF_8)));
            }
            return;
        }
        publisher.publish(event);
    }

    /** Lines received. */
    public long received() {
        return received.sum();
    }

    /** Lines that held no valid request event. */
    public long malformed() {
        return malformed.sum();
    }
}
