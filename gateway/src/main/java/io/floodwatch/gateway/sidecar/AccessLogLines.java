package io.floodwatch.gateway.sidecar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.RequestEventJson;

/**
 * Turns one gateway access-log line into a request event. The line is a JSON object with the field names of
 * {@code RequestEvent} (the shipped nginx {@code log_format floodwatch} writes exactly that), optionally behind a
 * syslog header ({@code <190>Dec  2 03:31:00 edge-1 nginx: {...}}): everything before the first {@code {} is
 * ignored. Optional fields that the gateway logged as empty strings (a header the client did not send) become null;
 * text longer than the contract allows is cut, not rejected.
 */
public final class AccessLogLines {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        RequestEvent event;
        try {
            event = RequestEventJson.parse(json);
        } catch (InvalidEventException e) {
            byte[] cut = withTextCut(json);
            if (cut == null) {
                throw e;
            }
            event = RequestEventJson.parse(cut);
        }
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

    /**
     * The line with every text field cut to the event contract's limit, or null if nothing was too long: a client
     * must not escape detection by padding its user agent or path until its events are rejected.
     */
    private static byte[] withTextCut(byte[] json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (IOException e) {
            return null;
        }
        if (!(tree instanceof ObjectNode object)) {
            return null;
        }
        boolean cut = false;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (field.getValue().isTextual() && field.getValue().textValue().length() > RequestEventJson.MAX_STRING) {
                field.setValue(TextNode.valueOf(field.getValue().textValue().substring(0, RequestEventJson.MAX_STRING)));
                cut = true;
            }
        }
        try {
            return cut ? JSON.writeValueAsBytes(object) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
