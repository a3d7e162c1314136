package io.floodwatch.gateway.sidecar;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.floodwatch.gateway.enforce.Decision;
import io.floodwatch.gateway.enforce.EnforcementTable;
import io.floodwatch.gateway.enforce.GatewayRequest;

/**
 * The sidecar's HTTP face: answers authorization checks from the enforcement table, plus health and counts.
 *
 * <ul>
 *   <li>{@code /nginx/authz}: nginx {@code auth_request} subrequests. The original request is described by the
 *       {@code X-Original-Method}, {@code X-Original-URI}, {@code X-Real-IP}, {@code X-Account-Id} and
 *       {@code X-Region} headers. nginx only passes 2xx, 401 and 403 through an auth subrequest, so every refusal is
 *       a 403 carrying the decision in {@code X-Floodwatch-Decision}, which the shipped nginx configuration turns into
 *       a 429 for THROTTLE.</li>
 *   <li>{@code /envoy/authz/...}: Envoy {@code ext_authz} HTTP service checks: the original method and path (after
 *       the prefix), the client address in {@code X-Floodwatch-Client-Ip} (else {@code X-Envoy-External-Address}, else
 *       the last {@code X-Forwarded-For} hop, the one Envoy appended); answered 200, 403 or 429 directly.</li>
 *   <li>{@code /healthz} (200 once the commands on the topic at start are loaded, 503 before) and {@code /stats}
 *       (counts as JSON).</li>
 * </ul>
 */
public final class DecisionServer implements AutoCloseable {

    /** Response header naming the decision. */
    public static final String DECISION_HEADER = "X-Floodwatch-Decision";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EMPTY = new byte[0];

    private final HttpServer server;
    private final ExecutorService executor;
    private final EnforcementTable table;
    private final BooleanSupplier ready;
    private final Supplier<Map<String, Object>> stats;
    private final LongAdder[] decisions = new LongAdder[Decision.values().length];

    private DecisionServer(HttpServer server, ExecutorService executor, EnforcementTable table, BooleanSupplier ready,
                           Supplier<Map<String, Object>> stats) {
        this.server = server;
        this.executor = executor;
        this.table = table;
        this.ready = ready;
        this.stats = stats;
        for (int i = 0; i < decisions.length; i++) {
            decisions[i] = new LongAdder();
        }
    }

    /**
     * Starts serving.
     *
     * @param address where to listen
     * @param threads request threads
     * @param table the enforcement table
     * @param ready whether the table holds the commands that were on the topic at start
     * @param stats further counts for {@code /stats}
     */
    public static DecisionServer start(InetSocketAddress address, int threads, EnforcementTable table, BooleanSupplier ready,
                                       Supplier<Map<String, Object>> stats) throws IOException {
        HttpServer server = HttpServer.create(address, 1024);
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "floodwatch-sidecar-http");
            thread.setDaemon(true);
            return thread;
        });
        DecisionServer decisionServer = new DecisionServer(server, executor, table, ready, stats);
        server.createContext("/nginx/authz", decisionServer::nginx);
        server.createContext("/envoy/authz", decisionServer::envoy);
        server.createContext("/healthz", decisionServer::health);
        server.createContext("/stats", decisionServer::stats);
        server.setExecutor(executor);
        server.start();
        return decisionServer;
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** How many requests got each decision. */
    public Map<String, Long> decisions() {
        Map<String, Long> counts = new TreeMap<>();
        for (Decision decision : Decision.values()) {
            counts.put(decision.name(), decisions[decision.ordinal()].sum());
        }
        return counts;
    }

    private void nginx(HttpExchange exchange) throws IOException {
        Headers headers = exchange.getRequestHeaders();
        Decision decision = decide(new GatewayRequest(headers.getFirst("X-Real-IP"), headers.getFirst("X-Original-Method"),
            headers.getFirst("X-Original-URI"), blankToNull(headers.getFirst("X-Account-Id")),
            blankToNull(headers.getFirst("X-Region")), blankToNull(headers.getFirst("User-Agent"))));
        respond(exchange, decision == Decision.ALLOW ? 200 : 403, decision);
    }

    private void envoy(HttpExchange exchange) throws IOException {
        Headers headers = exchange.getRequestHeaders();
        String uri = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String path = uri.substring("/envoy/authz".length());
        Decision decision = decide(new GatewayRequest(envoyClient(headers), exchange.getRequestMethod(),
            (path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query), blankToNull(headers.getFirst("X-Account-Id")),
            blankToNull(headers.getFirst("X-Region")), blankToNull(headers.getFirst("User-Agent"))));
        respond(exchange, decision.status(), decision);
    }

    /** The client address Envoy names: the header the shipped configuration adds, else Envoy's own ones. */
    private static String envoyClient(Headers headers) {
        String client = headers.getFirst("X-Floodwatch-Client-Ip");
        if (client == null) {
            client = headers.getFirst("X-Envoy-External-Address");
        }
        if (client == null) {
            String forwarded = headers.getFirst("X-Forwarded-For");
            int comma = forwarded == null ? -1 : forwarded.lastIndexOf(',');
            client = forwarded == null ? null : forwarded.substring(comma + 1).trim();
        }
        return client;
    }

    private Decision decide(GatewayRequest request) {
        Decision decision = table.decide(request);
        decisions[decision.ordinal()].increment();
        return decision;
    }

    private void health(HttpExchange exchange) throws IOException {
        boolean up = ready.getAsBoolean();
        byte[] body = (up ? "ready\n" : "loading the commands in force\n").getBytes(StandardCharsets.UTF_8);
        send(exchange, up ? 200 : 503, "text/plain; charset=utf-8", body);
    }

    private void stats(HttpExchange exchange) throws IOException {
        Map<String, Object> counts = new TreeMap<>(stats.get());
        counts.put("decisions", decisions());
        counts.put("commands", table.counts());
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(counts));
    }

    private static void respond(HttpExchange exchange, int status, Decision decision) throws IOException {
        exchange.getResponseHeaders().set(DECISION_HEADER, decision.name());
        send(exchange, status, null, EMPTY);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange) {
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
