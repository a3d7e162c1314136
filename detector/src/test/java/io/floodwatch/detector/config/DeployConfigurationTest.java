package io.floodwatch.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.floodwatch.detector.app.TopicProvisioner;
import io.floodwatch.testing.GrafanaDashboard;

/**
 * {@code deploy/} cannot run here (no Docker engine, no cluster), so what can be checked is: every file parses, every
 * setting a deployment gives the detector is one it reads, the probes point at the detector's endpoints, and the
 * topic script creates the detector's topics with its policies. (That every metric the Grafana dashboard queries is
 * exported is checked against a running detector in {@code DetectorIntegrationTest}.)
 */
public class DeployConfigurationTest {

    static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).resolve("../deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> DETECTOR_KEYS = FloodwatchConfig.definition().names();
    private static final Set<String> STREAMS_KEYS = StreamsConfig.configDef().names();

    private static List<JsonNode> documents(String file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(DEPLOY.resolve(file).toFile())) {
            it.forEachRemaining(documents::add);
        }
        return documents;
    }

    /** The detector keys of environment variables, as the detector maps them; unknown ones named. */
    private static List<String> unknownSettings(Map<String, String> environment) {
        List<String> unknown = new ArrayList<>();
        ConfigLoader.fromEnvironment(environment).keySet().forEach(key -> {
            if (!known(key)) {
                unknown.add(key);
            }
        });
        return unknown;
    }

    private static boolean known(String key) {
        return DETECTOR_KEYS.contains(key)
            || key.startsWith(FloodwatchConfig.KAFKA_PREFIX) && STREAMS_KEYS.contains(key.substring(FloodwatchConfig.KAFKA_PREFIX.length()));
    }

    @Test
    void shouldSetOnlyWhatDiffersFromTheDefaultsWhenDeployFilesConfigureTheDetector() throws Exception {
        // Given the settings of the example properties file, the Kubernetes ConfigMap, the compose detectors and the image
        Map<String, Map<String, String>> files = new TreeMap<>();
        Properties example = new Properties();
        example.load(new StringReader(Files.readString(DEPLOY.resolve("floodwatch.properties"))));
        files.put("floodwatch.properties", propertiesOf(example));
        for (JsonNode document : documents("k8s/detector.yaml")) {
            if (document.path("kind").asText().equals("ConfigMap")) {
                Properties configMap = new Properties();
                configMap.load(new StringReader(document.path("data").path("floodwatch.properties").asText()));
                files.put("k8s/detector.yaml", propertiesOf(configMap));
            }
        }
        Map<String, String> compose = new HashMap<>();
        documents("docker-compose.yml").get(0).path("services").fields().forEachRemaining(service -> {
            if (service.getKey().startsWith("detector-")) {
                service.getValue().path("environment").fields().forEachRemaining(e -> compose.put(e.getKey(), e.getValue().asText()));
            }
        });
        files.put("docker-compose.yml", ConfigLoader.fromEnvironment(compose));

        // When each detector setting is compared with its default
        List<String> defaults = new ArrayList<>();
        files.forEach((file, settings) -> settings.forEach((key, value) -> {
            if (ConfigDefaults.known(key) && ConfigDefaults.isDefault(key, value)) {
                defaults.add(file + ": " + key + "=" + value);
            }
        }));

        // Then none repeats a default, which would hide a change of the default from the deployment
        assertFalse(files.get("floodwatch.properties").isEmpty(), "the example sets something");
        assertEquals(List.of(), defaults, "deploy settings equal to the detector's defaults");
    }

    private static Map<String, String> propertiesOf(Properties properties) {
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name).strip()));
        return values;
    }

    @Test
    void shouldSetOnlySettingsTheDetectorReadsWhenDockerComposeRunsTwoInstances() throws Exception {
        // Given
        JsonNode compose = documents("docker-compose.yml").get(0);

        // When
        Map<String, String> environment = new HashMap<>();
        List<String> detectors = new ArrayList<>();
        compose.path("services").fields().forEachRemaining(service -> {
            if (service.getKey().startsWith("detector-")) {
                detectors.add(service.getKey());
                service.getValue().path("environment").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
            }
        });
        List<String> dockerfileEnv = new ArrayList<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("Dockerfile"))) {
            if (line.startsWith("ENV ")) {
                for (String pair : line.substring(4).trim().split("\\s+")) {
                    dockerfileEnv.add(pair);
                    environment.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                }
            }
        }

        // Then
        assertEquals(List.of("detector-1", "detector-2"), detectors);
        assertTrue(compose.path("services").has("kafka") && compose.path("services").has("simulator"));
        assertEquals("broker,controller", compose.path("services").path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText(),
            "a KRaft broker");
        assertFalse(dockerfileEnv.isEmpty());
        assertEquals(List.of(), unknownSettings(environment), "settings the detector does not read");
    }

    @Test
    void shouldConfigureTheStatefulSetWithSettingsTheDetectorReadsAndItsProbesWhenDeployedOnKubernetes() throws Exception {
        // Given
        Map<String, JsonNode> byKind = new TreeMap<>();
        for (JsonNode document : documents("k8s/detector.yaml")) {
            byKind.put(document.path("kind").asText() + "/" + document.path("metadata").path("name").asText(), document);
        }

        // When
        JsonNode statefulSet = byKind.get("StatefulSet/floodwatch-detector");
        JsonNode container = statefulSet.path("spec").path("template").path("spec").path("containers").get(0);
        Properties properties = new Properties();
        properties.load(new StringReader(byKind.get("ConfigMap/floodwatch-detector").path("data").path("floodwatch.properties").asText()));
        Map<String, String> environment = new HashMap<>();
        container.path("env").forEach(e -> environment.put(e.path("name").asText(), e.path("value").asText()));

        // Then
        List<String> unknown = new ArrayList<>();
        properties.stringPropertyNames().forEach(key -> {
            if (!known(key)) {
                unknown.add(key);
            }
        });
        assertEquals(List.of(), unknown, "ConfigMap settings the detector does not read");
        assertEquals(List.of(), unknownSettings(environment), "environment settings the detector does not read");
        assertTrue(Integer.parseInt(properties.getProperty("kafka.num.standby.replicas")) >= 1, "standby replicas");
        assertEquals("/healthz/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/healthz/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertTrue(properties.getProperty("http.listen").endsWith(":" + container.path("ports").get(0).path("containerPort").asInt()));
        assertFalse(statefulSet.path("spec").path("volumeClaimTemplates").isEmpty(), "persistent state");
        assertEquals(properties.getProperty("data.dir"), container.path("volumeMounts").get(0).path("mountPath").asText());
        assertTrue(byKind.containsKey("PodDisruptionBudget/floodwatch-detector"));
        assertTrue(byKind.get("Service/floodwatch-detector").path("spec").path("clusterIP").asText().equals("None"), "headless service");
    }

    @Test
    void shouldCreateTheDetectorsTopicsWithItsPoliciesWhenTheTopicScriptRuns() throws Exception {
        // Given
        String script = Files.readString(DEPLOY.resolve("topics/create-topics.sh"));
        FloodwatchConfig defaults = new FloodwatchConfig(Map.of());

        // When
        Map<String, String> scripted = new TreeMap<>();
        Matcher create = Pattern.compile("(?m)^create (\\S+) \\S+ (.*)$").matcher(script);
        while (create.find()) {
            scripted.put(create.group(1), create.group(2));
        }

        // Then
        Set<String> expected = new TreeSet<>();
        for (NewTopic topic : TopicProvisioner.definitions(defaults, Topics.from(defaults))) {
            expected.add(topic.name());
            String configs = scripted.get(topic.name());
            assertTrue(configs != null, "the script creates " + topic.name());
            topic.configs().forEach((key, value) -> assertTrue(configs.contains(key + "=" + value)
                    || configs.contains(key + "=$" + ("86400000".equals(value) ? "DAY" : "WEEK")),
                topic.name() + " has " + key + "=" + value + " in: " + configs));
        }
        assertEquals(expected, scripted.keySet());
    }

    @Test
    void shouldParseWhenTheOtherDeployFilesAreRead() throws Exception {
        // Given
        JsonNode prometheus = documents("prometheus/prometheus.yml").get(0);

        // When
        JsonNode grafana = new ObjectMapper().readTree(DEPLOY.resolve("grafana/floodwatch-dashboard.json").toFile());

        // Then
        assertEquals("/metrics", prometheus.path("scrape_configs").get(0).path("metrics_path").asText());
        assertTrue(grafana.path("panels").size() >= 8);
        assertFalse(GrafanaDashboard.metrics().isEmpty());
    }
}
