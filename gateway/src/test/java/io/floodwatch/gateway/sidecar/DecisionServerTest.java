package io.floodwatch.gateway.sidecar;

import static io.floodwatch.gateway.enforce.Commands.command;
import static io.floodwatch.gateway.enforce.Commands.restrict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.floodwatch.gateway.enforce.EnforcementTable;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationScope;

class DecisionServerTest {

    private static final long LATER = System.currentTimeMillis() + 3_600_000;

    private final EnforcementTable table = new EnforcementTable();
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final HttpClient client = HttpClient.newHttpClient();
    private DecisionServer server;

    @BeforeEach
    void start() throws Exception {
        server = DecisionServer.start(new InetSocketAddress("127.0.0.1", 0), 2, table, ready::get, Map::of);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> nginx(String ip, String method, String uri, String region) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/nginx/authz"))
            .header("X-Real-IP", ip).header("X-Original-Method", method).header("X-Original-URI", uri);
        if (region != null) {
            request.header("X-Region", region);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer403WithTheDecisionWhenNginxAsksAboutARefusedRequest() throws Exception {
        // Given
        table.apply(command(MitigationAction.BLOCK, MitigationScope.SOURCE_PREFIX, "198.51.100.0/24", LATER));
        table.apply(command(MitigationAction.THROTTLE, MitigationScope.SOURCE_IP, "203.0.113.9", LATER));
        table.apply(restrict("POST /api/v1/auth/register", List.of("CN"), LATER));

        // When
        HttpResponse<String> blocked = nginx("198.51.100.7", "GET", "/api/v1/models", "US");
        HttpResponse<String> allowed = nginx("203.0.113.7", "GET", "/api/v1/models", "US");
        HttpResponse<String> abroad = nginx("203.0.113.7", "POST", "/api/v1/auth/register", "US");
        HttpResponse<String> throttled = null;
        for (int i = 0; i < 5; i++) {
            throttled = nginx("203.0.113.9", "GET", "/api/v1/models", "US");
        }

        // Then
        assertEquals(403, blocked.statusCode());
        assertEquals("BLOCK", blocked.headers().firstValue(DecisionServer.DECISION_HEADER).orElseThrow());
        assertEquals(200, allowed.statusCode());
        assertEquals(403, abroad.statusCode());
        assertEquals("REFUSE_REGISTRATION", abroad.headers().firstValue(DecisionServer.DECISION_HEADER).orElseThrow());
        assertEquals(403, throttled.statusCode(), "nginx passes only 403 through auth_request; its config maps THROTTLE to 429");
        assertEquals("THROTTLE", throttled.headers().firstValue(DecisionServer.DECISION_HEADER).orElseThrow());
        assertTrue(server.decisions().get("BLOCK") >= 1);
    }

    @Test
    void shouldAnswerTheDecisionStatusWhenEnvoyAsksWithTheOriginalMethodAndPath() throws Exception {
        // Given
        table.apply(command(MitigationAction.BLOCK, MitigationScope.ENDPOINT, "DELETE /api/v1/users/{id}", LATER));
        String base = "http://127.0.0.1:" + server.address().getPort() + "/envoy/authz";

        // When
        HttpResponse<String> delete = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/users/42?force=1"))
            .method("DELETE", HttpRequest.BodyPublishers.noBody()).header("X-Floodwatch-Client-Ip", "203.0.113.7").build(),
            HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/users/42"))
            .header("X-Floodwatch-Client-Ip", "203.0.113.7").build(), HttpResponse.BodyHandlers.ofString());

        // Then
        assertEquals(403, delete.statusCode());
        assertEquals(200, get.statusCode());
    }

    @Test
    void shouldReportReadyOnlyWhenTheCommandsInForceAreLoaded() throws Exception {
        // Given
        URI health = URI.create("http://127.0.0.1:" + server.address().getPort() + "/healthz");

        // When
        int before = client.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        ready.set(true);
        int after = client.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode();

        // Then
        assertEquals(503, before);
        assertEquals(200, after);
    }
}
