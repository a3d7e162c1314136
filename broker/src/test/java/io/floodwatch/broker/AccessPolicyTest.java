package io.floodwatch.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessPolicyTest {

    private static final Path SCRIPT = Paths.get("..", "deploy", "kafka", "acls.sh");

    @TempDir
    Path dir;

    @Test
    void shouldLetOnlyTheDetectorWriteCommandsWhenThePolicyIsTheDefault() {
        // Given
        List<AclBinding> bindings = AccessPolicy.defaults().bindings();

        // When
        Set<String> commandWriters = principalsAllowed(bindings, "mitigations", AclOperation.WRITE);
        Set<String> ruleWriters = principalsAllowed(bindings, "detector-control", AclOperation.WRITE);
        Set<String> requestWriters = principalsAllowed(bindings, "requests", AclOperation.WRITE);

        // Then
        assertEquals(Set.of("User:detector"), commandWriters);
        assertEquals(Set.of("User:operator"), ruleWriters);
        assertEquals(Set.of("User:gateway"), requestWriters);
        assertFalse(bindings.stream().anyMatch(b -> b.entry().permissionType() != AclPermissionType.ALLOW), "allow rules only");
    }

    @Test
    void shouldGrantWhatTheEmbeddedBrokerGrantsWhenTheDeployScriptRuns() throws Exception {
        // Given a kafka-acls.sh that records its arguments, one invocation per line
        Path bin = Files.createDirectories(dir.resolve("kafka/bin"));
        Path calls = dir.resolve("calls");
        Path tool = Files.writeString(bin.resolve("kafka-acls.sh"), "#!/usr/bin/env bash\necho \"$*\" >> '" + calls + "'\n");
        assertTrue(tool.toFile().setExecutable(true));

        // When deploy/kafka/acls.sh runs against it
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("out").toFile());
        builder.environment().put("KAFKA_HOME", dir.resolve("kafka").toString());
        builder.environment().put("BOOTSTRAP", "broker:9092");
        builder.environment().put("ADMIN_CONFIG", "admin.properties");
        Process script = builder.start();
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "the script finished");
        assertEquals(0, script.exitValue(), Files.readString(dir.resolve("out")));

        // Then it grants exactly the bindings of the policy
        assertEquals(new HashSet<>(AccessPolicy.defaults().bindings()), parse(Files.readAllLines(calls, StandardCharsets.UTF_8)));
    }

    private static Set<String> principalsAllowed(List<AclBinding> bindings, String topic, AclOperation operation) {
        Set<String> principals = new HashSet<>();
        for (AclBinding binding : bindings) {
            ResourcePattern pattern = binding.pattern();
            boolean matches = pattern.resourceType() == ResourceType.TOPIC
                && (pattern.patternType() == PatternType.LITERAL ? pattern.name().equals(topic) : topic.startsWith(pattern.name()));
            AclOperation granted = binding.entry().operation();
            if (matches && (granted == operation || granted == AclOperation.ALL)) {
                principals.add(binding.entry().principal());
            }
        }
        return principals;
    }

    private static Set<AclBinding> parse(List<String> invocations) {
        Set<AclBinding> bindings = new HashSet<>();
        for (String invocation : invocations) {
            String[] args = invocation.split(" ");
            String principal = null;
            ResourceType type = null;
            String name = null;
            PatternType patternType = PatternType.LITERAL;
            List<AclOperation> operations = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--allow-principal" -> principal = args[++i];
                    case "--topic" -> { type = ResourceType.TOPIC; name = args[++i]; }
                    case "--group" -> { type = ResourceType.GROUP; name = args[++i]; }
                    case "--transactional-id" -> { type = ResourceType.TRANSACTIONAL_ID; name = args[++i]; }
                    case "--resource-pattern-type" -> patternType = PatternType.fromString(args[++i].toUpperCase(Locale.ROOT));
                    case "--operation" -> operations.add(AclOperation.fromString(
                        args[++i].replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)));
                    default -> { }
                }
            }
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(new ResourcePattern(type, name, patternType),
                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }
}
