package io.floodwatch.gateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.floodwatch.schema.RequestEvent;

/** The shipped gateway configurations agree with the sidecar and the event contract. (nginx's is run for real.) */
class GatewayConfigurationTest {

    private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).resolve("../deploy");

    @Test
    void shouldAskTheSidecarAndLogRequestEventFieldsWhenEnvoyUsesTheShippedConfiguration() throws Exception {
        // Given
        JsonNode envoy = new ObjectMapper(new YAMLFactory()).readTree(DEPLOY.resolve("envoy/envoy.yaml").toFile());

        // When
        JsonNode authz = envoy.findValue("http_service");
        JsonNode logFormat = envoy.findValue("json_format");
        List<String> logged = new ArrayList<>();
        logFormat.fieldNames().forEachRemaining(logged::add);
        JsonNode sidecarCluster = null;
        for (JsonNode cluster : envoy.path("static_resources").path("clusters")) {
            if (cluster.path("name").asText().equals(authz.path("server_uri").path("cluster").asText())) {
                sidecarCluster = cluster;
            }
        }

        // Then
        assertEquals("/envoy/authz", authz.path("path_prefix").asText());
        assertEquals("X-Floodwatch-Client-Ip", authz.findValue("headers_to_add").get(0).path("key").asText());
        assertEquals(9191, sidecarCluster.findValue("port_value").asInt(), "the sidecar's default --listen port");
        Set<String> fields = new RequestEvent().getSchema().getFields().stream().map(Schema.Field::name).collect(Collectors.toSet());
        assertTrue(fields.containsAll(logged), "every logged field is a RequestEvent field: " + logged);
        assertTrue(logged.containsAll(List.of("timestamp", "sourceIp", "method", "path", "status")), "required fields logged");
    }

    @Test
    void shouldPointAtTheSidecarDefaultsWhenNginxUsesTheShippedSnippets() throws Exception {
        // Given
        String http = Files.readString(DEPLOY.resolve("nginx/floodwatch-http.conf"));
        String server = Files.readString(DEPLOY.resolve("nginx/floodwatch-server.conf"));

        // When
        SidecarCommand defaults = new picocli.CommandLine(new SidecarCommand()).parseArgs().commandSpec().commandLine().getCommand();

        // Then
        assertTrue(http.contains("server 127.0.0.1:" + defaults.listen.getPort() + ";"), "decision upstream");
        assertTrue(server.contains("syslog:server=" + defaults.syslog + ","), "access logs over syslog");
        assertTrue(server.contains("proxy_pass http://floodwatch_sidecar/nginx/authz;"));
    }
}
