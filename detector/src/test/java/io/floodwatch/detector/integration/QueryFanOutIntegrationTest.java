package io.floodwatch.detector.integration;

import static io.floodwatch.testing.Events.T0;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.testing.TestBroker;
import io.floodwatch.testing.Traffic;
import io.floodwatch.producers.RequestPublisher;

/**
 * Two detector instances of one application on a real broker: each holds the endpoints of its own tasks, and either
 * one answers the query API for both.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class QueryFanOutIntegrationTest {

    private static final int ROUTES = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldAnswerForEveryInstanceWhenEitherOfTwoIsAsked() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             DetectorApp first = DetectorApp.start(config(broker, "first"), quiet());
             DetectorApp second = DetectorApp.start(config(broker, "second"), quiet())) {
            // Given two running instances sharing the work, and traffic on eight routes
            await("both instances running").atMost(Duration.ofSeconds(90)).until(() ->
                first.streams().state() == KafkaStreams.State.RUNNING && second.streams().state() == KafkaStreams.State.RUNNING
                    && first.streams().metadataForAllStreamsClients().size() == 2);
            try (RequestPublisher gateway = RequestPublisher.create(broker.bootstrapServers(), "requests", Map.of())) {
                for (int r = 0; r < ROUTES; r++) {
                    Traffic.gets(T0, 40, 5, "/api/v1/route" + (char) ('a' + r)).forEach(gateway::publish);
                }
            }
            String a = "http://127.0.0.1:" + first.httpAddress().getPort();
            String b = "http://127.0.0.1:" + second.httpAddress().getPort();
            await("every route answered by the first instance").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> routes(get(a + "/api/v1/endpoints").path("items")).size() == ROUTES);

            // When
            JsonNode fromFirst = get(a + "/api/v1/endpoints");
            JsonNode fromSecond = get(b + "/api/v1/endpoints");
            Set<String> localFirst = routes(get(a + "/api/v1/local/endpoints"));
            Set<String> localSecond = routes(get(b + "/api/v1/local/endpoints"));

            // Then
            assertEquals(routes(fromFirst.path("items")), routes(fromSecond.path("items")));
            assertEquals(2, fromFirst.path("instances").size());
            assertEquals(0, fromFirst.path("missing").size());
            assertTrue(!localFirst.isEmpty() && !localSecond.isEmpty(), "both instances own routes: " + localFirst + " / " + localSecond);
            Set<String> union = new HashSet<>(localFirst);
            union.addAll(localSecond);
            assertEquals(ROUTES, union.size());
            assertEquals(ROUTES, localFirst.size() + localSecond.size(), "each route lives on one instance");
        }
    }

    private FloodwatchConfig config(TestBroker broker, String name) {
        Map<String, Object> settings = broker.detectorSettings(dir.resolve(name));
        settings.put(FloodwatchConfig.STREAM_THREADS_CONFIG, 1);
        return new FloodwatchConfig(settings);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static Set<String> routes(JsonNode items) {
        Set<String> routes = new TreeSet<>();
        items.forEach(item -> routes.add(item.path("route").asText()));
        return routes;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
