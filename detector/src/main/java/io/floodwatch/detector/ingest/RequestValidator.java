package io.floodwatch.detector.ingest;

import java.time.Instant;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.target.IpAddress;

/**
 * Checks the values of a decoded {@link RequestEvent}: address syntax, method, path, status, region, and its
 * timestamp: not ahead of the wall clock by more than the allowed clock skew (gateways stamp events when
 * they see them), and not further behind stream time than allowed. A jump forward in stream time (a quiet
 * period, a replay) is legitimate, so the future check is against the wall clock, never against stream time.
 * Pure logic; the reason of a rejection is the exception message.
 */
public final class RequestValidator {

    /** Earliest plausible event time: 2000-01-01T00:00:00Z. */
    public static final long EARLIEST_TIMESTAMP = 946_684_800_000L;

    private static final int MAX_PATH = 2048;
    private static final int MAX_METHOD = 16;

    private final long maxFutureMs;
    private final long maxPastMs;

    /**
     * @param maxFutureMs how far ahead of the wall clock an event may be
     * @param maxPastMs how far behind stream time an event may be
     */
    public RequestValidator(long maxFutureMs, long maxPastMs) {
        this.maxFutureMs = maxFutureMs;
        this.maxPastMs = maxPastMs;
    }

    /**
     * Throws {@link InvalidEventException} if the event is not acceptable.
     *
     * @param event the event
     * @param streamTime current stream time, or a negative value if there is none yet
     * @param now wall-clock time
     */
    public void validate(RequestEvent event, long streamTime, long now) {
        String ip = event.getSourceIp();
        if (!IpAddress.isValid(ip)) {
            throw new InvalidEventException("field 'sourceIp' is not an IPv4 or IPv6 address: '"
                + InvalidEventException.excerpt(ip) + "'");
        }
        String method = event.getMethod();
        if (!isToken(method)) {
            throw new InvalidEventException("field 'method' is not an HTTP method: '"
                + InvalidEventException.excerpt(method) + "'");
        }
        String path = event.getPath();
        if (path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH) {
            throw new InvalidEventException("field 'path' must start with '/' and be at most " + MAX_PATH
                + " characters: '" + InvalidEventException.excerpt(path) + "'");
        }
        int status = event.getStatus();
        if (status < 100 || status > 599) {
            throw new InvalidEventException("field 'status' is not an HTTP status: " + status);
        }
        Integer latency = event.getLatencyMs();
        if (latency != null && latency < 0) {
            throw new InvalidEventException("field 'latencyMs' is negative: " + latency);
        }
        String region = event.getRegion();
        if (region != null && !isRegion(region)) {
            throw new InvalidEventException("field 'region' is not an ISO 3166-1 alpha-2 code: '"
                + InvalidEventException.excerpt(region) + "'");
        }
        validateTimestamp(event.getTimestamp(), streamTime, now);
    }

    private void validateTimestamp(long timestamp, long streamTime, long now) {
        if (timestamp < EARLIEST_TIMESTAMP) {
            throw new InvalidEventException("field 'timestamp' " + timestamp + " is before 2000-01-01; epoch milliseconds expected");
        }
        if (timestamp > now + maxFutureMs) {
            throw new InvalidEventException("field 'timestamp' " + Instant.ofEpochMilli(timestamp) + " is "
                + (timestamp - now) / 1000 + " s ahead of the current time " + Instant.ofEpochMilli(now)
                + " (allowed clock skew " + maxFutureMs / 1000 + " s)");
        }
        if (streamTime >= 0 && timestamp < streamTime - maxPastMs) {
            throw new InvalidEventException("field 'timestamp' " + Instant.ofEpochMilli(timestamp) + " is "
                + (streamTime - timestamp) / 1000 + " s behind stream time " + Instant.ofEpochMilli(streamTime)
                + " (limit " + maxPastMs / 1000 + " s)");
        }
    }

    /** Whether the text is a plausible two-letter region code (either case). */
    public static boolean isRegion(String region) {
        return region.length() == 2 && Character.isLetter(region.charAt(0)) && region.charAt(0) < 128
            && Character.isLetter(region.charAt(1)) && region.charAt(1) < 128;
    }

    private static boolean isToken(String method) {
        int length = method.length();
        if (length == 0 || length > MAX_METHOD) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }
}
