package io.floodwatch.schema.serde;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

import org.apache.kafka.common.serialization.Deserializer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import io.floodwatch.schema.RequestEvent;

/**
 * Reads one {@link RequestEvent} from a JSON object whose field names are the Avro field names (the contract's
 * JSON lines format). {@code timestamp} is epoch milliseconds or ISO-8601 text with an offset. Unknown fields
 * are ignored; missing required fields, wrong types and oversized input are rejected with an
 * {@link InvalidEventException} naming the problem.
 *
 * <p>Uses Jackson's streaming parser: no intermediate tree, and hard limits on nesting, string length and
 * document size, because this parses attacker-influenced text.
 */
public final class RequestEventJson implements Deserializer<RequestEvent> {

    /** Largest accepted JSON document, in bytes. */
    public static final int MAX_BYTES = 16 * 1024;

    /** Longest accepted string value, in characters. */
    public static final int MAX_STRING = 4096;

    private static final JsonFactory FACTORY = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(8).maxStringLength(MAX_STRING).maxNumberLength(32).build())
        .build();

    @Override
    public RequestEvent deserialize(String topic, byte[] data) {
        if (data == null) {
            throw new InvalidEventException("empty record: a JSON object with a RequestEvent is required");
        }
        return parse(data);
    }

    /** Parses one JSON object. */
    public static RequestEvent parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new InvalidEventException("event of " + json.length + " bytes exceeds the limit of " + MAX_BYTES);
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("not a JSON object");
            }
            RequestEvent.Builder event = RequestEvent.newBuilder();
            Long timestamp = null;
            Integer status = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "timestamp" -> timestamp = timestamp(parser, value);
                    case "sourceIp" -> event.setSourceIp(requiredText(parser, value, field));
                    case "method" -> event.setMethod(requiredText(parser, value, field));
                    case "path" -> event.setPath(requiredText(parser, value, field));
                    case "status" -> status = integer(parser, value, field);
                    case "latencyMs" -> event.setLatencyMs(value == JsonToken.VALUE_NULL ? null : integer(parser, value, field));
                    case "region" -> event.setRegion(optionalText(parser, value, field));
                    case "userAgent" -> event.setUserAgent(optionalText(parser, value, field));
                    case "accountId" -> event.setAccountId(optionalText(parser, value, field));
                    case "gatewayId" -> event.setGatewayId(optionalText(parser, value, field));
                    case "requestId" -> event.setRequestId(optionalText(parser, value, field));
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new InvalidEventException("malformed JSON object");
            }
            if (parser.nextToken() != null) {
                throw new InvalidEventException("trailing data after the JSON object");
            }
            require(timestamp != null, "timestamp");
            require(event.hasSourceIp(), "sourceIp");
            require(event.hasMethod(), "method");
            require(event.hasPath(), "path");
            require(status != null, "status");
            return event.setTimestamp(timestamp).setStatus(status).build();
        } catch (InvalidEventException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidEventException("unparseable JSON: " + InvalidEventException.excerpt(firstLine(e.getMessage())));
        }
    }

    private static void require(boolean present, String field) {
        if (!present) {
            throw new InvalidEventException("missing required field '" + field + "'");
        }
    }

    private static long timestamp(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                throw new InvalidEventException("field 'timestamp' is neither epoch milliseconds nor ISO-8601 with offset: '"
                    + InvalidEventException.excerpt(text) + "'");
            }
        }
        throw new InvalidEventException("field 'timestamp' must be a number (epoch ms) or an ISO-8601 string, got " + value);
    }

    private static int integer(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new InvalidEventException("field '" + field + "' must be an integer, got " + value);
        }
        long number = parser.getLongValue();
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw new InvalidEventException("field '" + field + "' is out of range: " + number);
        }
        return (int) number;
    }

    private static String requiredText(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new InvalidEventException("field '" + field + "' must be a string, got " + value);
        }
        return parser.getText();
    }

    private static String optionalText(JsonParser parser, JsonToken value, String field) throws IOException {
        return value == JsonToken.VALUE_NULL ? null : requiredText(parser, value, field);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
