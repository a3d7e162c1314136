package io.floodwatch.detector.rules;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The global store that {@code detector-control} is read into, and a typed view of the operators' lift requests in
 * it. Keys: a rule id holds an accepted change, {@code rejected:<rule id>} the reason one was rejected, and
 * {@code lift:<target key>} an operator's request to lift the command of a target now, as
 * {@code {"requestedAt": <epoch ms>, ...}}.
 */
public final class ControlStore {

    /** Name of the global store. */
    public static final String STORE = "detector-control-rules";
    /** Key prefix of rejections. */
    public static final String REJECTED = "rejected:";
    /** Key prefix of lift requests. */
    public static final String LIFT_PREFIX = "lift:";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReadOnlyKeyValueStore<String, String> store;

    /** @param store the global store {@value #STORE} */
    public ControlStore(ReadOnlyKeyValueStore<String, String> store) {
        this.store = store;
    }

    /**
     * An operator's request to lift the command of a target.
     *
     * @param target the target key of the command
     * @param requestedAt when it was asked, epoch ms
     */
    public record LiftRequest(String target, long requestedAt) {
    }

    /** The lift requests in force. */
    public List<LiftRequest> liftRequests() {
        List<LiftRequest> requests = new ArrayList<>();
        try (KeyValueIterator<String, String> all = store.prefixScan(LIFT_PREFIX, new StringSerializer())) {
            all.forEachRemaining(entry -> requestedAt(entry.value).ifPresent(at ->
                requests.add(new LiftRequest(entry.key.substring(LIFT_PREFIX.length()), at))));
        }
        return requests;
    }

    /** The control topic's key of a lift request for a target. */
    public static String liftKey(String target) {
        return LIFT_PREFIX + target;
    }

    /** Whether a control topic key is a lift request's. */
    public static boolean isLift(String key) {
        return key != null && key.startsWith(LIFT_PREFIX);
    }

    /** The time of a lift request's value, or empty when it is not {@code {"requestedAt": <epoch ms>}}. */
    public static OptionalLong requestedAt(String json) {
        try {
            JsonNode request = json == null ? null : JSON.readTree(json);
            if (request == null || !request.path("requestedAt").canConvertToLong()) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(request.path("requestedAt").asLong());
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
