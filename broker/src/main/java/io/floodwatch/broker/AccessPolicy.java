package io.floodwatch.broker;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on Floodwatch's topics, as Kafka ACLs for three principals: gateways write requests and read
 * commands; operators write {@code detector-control} and read what the detector publishes; only the detector writes
 * {@code mitigations}. Nothing else is allowed (the broker runs with {@code allow.everyone.if.no.acl.found=false}), so
 * a gateway's credentials cannot block anyone. {@code deploy/kafka/acls.sh} grants the same on a production cluster.
 *
 * @param applicationId the detector's Kafka Streams application id, the prefix of its internal topics, group and
 *                      transactional ids
 * @param topics the topic names
 */
public record AccessPolicy(String applicationId, TopicNames topics) {

    /** Principal of the detector instances. */
    public static final String DETECTOR = "detector";
    /** Principal of gateways, sidecars and the gateway publisher. */
    public static final String GATEWAY = "gateway";
    /** Principal of operators and the CLI (lift, rules, commands). */
    public static final String OPERATOR = "operator";
    /** Every client principal. */
    public static final List<String> PRINCIPALS = List.of(DETECTOR, GATEWAY, OPERATOR);

    /**
     * The names of Floodwatch's topics.
     *
     * @param requests Avro request events
     * @param requestsJson JSON request events
     * @param requestsDlq dead letters
     * @param endpointRates per-endpoint rates
     * @param anomalies anomalies
     * @param mitigations commands
     * @param control operator rules and lifts
     */
    public record TopicNames(String requests, String requestsJson, String requestsDlq, String endpointRates,
                             String anomalies, String mitigations, String control) {

        /** The contract's default names. */
        public static TopicNames defaults() {
            return new TopicNames("requests", "requests-json", "requests-dlq", "endpoint-rates", "anomalies",
                "mitigations", "detector-control");
        }

        List<String> outputs() {
            return List.of(requestsDlq, endpointRates, anomalies, mitigations);
        }

        List<String> inputs() {
            return List.of(requests, requestsJson, control);
        }
    }

    /** The policy of the default application id and topic names. */
    public static AccessPolicy defaults() {
        return new AccessPolicy("floodwatch-detector", TopicNames.defaults());
    }

    /** Every ACL of the policy, as {@code ALLOW} bindings from any host. */
    public List<AclBinding> bindings() {
        List<AclBinding> bindings = new ArrayList<>();
        List<AclOperation> provision = List.of(AclOperation.DESCRIBE, AclOperation.CREATE, AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS);
        for (String input : topics.inputs()) {
            allow(bindings, DETECTOR, ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.READ);
            provision.forEach(op -> allow(bindings, DETECTOR, ResourceType.TOPIC, input, PatternType.LITERAL, op));
        }
        for (String output : topics.outputs()) {
            allow(bindings, DETECTOR, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.WRITE);
            allow(bindings, DETECTOR, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.READ);
            provision.forEach(op -> allow(bindings, DETECTOR, ResourceType.TOPIC, output, PatternType.LITERAL, op));
        }
        allow(bindings, DETECTOR, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL);
        allow(bindings, DETECTOR, ResourceType.GROUP, applicationId, PatternType.PREFIXED, AclOperation.READ);
        allow(bindings, DETECTOR, ResourceType.GROUP, applicationId, PatternType.PREFIXED, AclOperation.DESCRIBE);
        allow(bindings, DETECTOR, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.WRITE);
        allow(bindings, DETECTOR, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.DESCRIBE);

        for (String input : List.of(topics.requests, topics.requestsJson)) {
            allow(bindings, GATEWAY, ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.WRITE);
            allow(bindings, GATEWAY, ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.DESCRIBE);
        }
        allow(bindings, GATEWAY, ResourceType.TOPIC, topics.mitigations, PatternType.LITERAL, AclOperation.READ);
        allow(bindings, GATEWAY, ResourceType.TOPIC, topics.mitigations, PatternType.LITERAL, AclOperation.DESCRIBE);

        allow(bindings, OPERATOR, ResourceType.TOPIC, topics.control, PatternType.LITERAL, AclOperation.WRITE);
        allow(bindings, OPERATOR, ResourceType.TOPIC, topics.control, PatternType.LITERAL, AclOperation.READ);
        allow(bindings, OPERATOR, ResourceType.TOPIC, topics.control, PatternType.LITERAL, AclOperation.DESCRIBE);
        for (String output : topics.outputs()) {
            allow(bindings, OPERATOR, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.READ);
            allow(bindings, OPERATOR, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.DESCRIBE);
        }
        return List.copyOf(bindings);
    }

    private static void allow(List<AclBinding> bindings, String principal, ResourceType type, String name,
                              PatternType pattern, AclOperation operation) {
        bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
            new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW)));
    }
}
