package io.floodwatch.gateway.sidecar;

import java.nio.charset.StandardCharsets;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.RequestEventJson;

/**
 * Turns one gateway access-log line into a request event. The line is a JSON object with the field names of
 * {@code RequestEvent} (the shipped nginx {@code log_format floodwatch} writes exactly that), optionally behind a
 * syslog header ({@code <190>Dec  2 03:31:00 edge-1 nginx: {...}}): everything before the first {@code {} is
 * ignored. Optional fields that the gateway logged as empty strings (a header the client did not send) become null.
 */
public final class AccessLogLines {

    private AccessLogLines() {
    }

    /**
     * Parses one line.
     *
     * @throws InvalidEventException with the reason, if the line holds no valid request event
     */
    public static RequestEvent parse(byte[] data, int offset, int length) {
        int start = -1;
        for (int i = offset; i < offset + length; i++) {
            if (data[i] == '{') {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw new InvalidEventException("no JSON object in the line");
        }
        int end = offset + length;
        while (end > start && (data[end - 1] == '\n' || data[end - 1] == '\r' || data[end - 1] == ' ')) {
            end--;
        }
        byte[] json = new byte[end - start];
        System.arraycopy(data, start, json, 0, json.length);
        RequestEvent event = RequestEventJson.parse(json);
        event.setRegion(blankToNull(event.getRegion()));
        event.setUserAgent(blankToNull(event.getUserAgent()));
        event.setAccountId(blankToNull(event.getAccountId()));
        event.setGatewayId(blankToNull(event.getGatewayId()));
        event.setRequestId(blankToNull(event.getRequestId()));
        return event;
    }

    /** Parses one line of text. */
    public static RequestEvent parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, 0, bytes.length);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
