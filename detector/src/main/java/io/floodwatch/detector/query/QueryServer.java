package io.floodwatch.detector.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.floodwatch.detector.progress.ProgressReport;
import io.floodwatch.schema.text.LogText;

/**
 * The detector's HTTP surface, beside the topology: the query API (JSON), the live dashboard, Prometheus metrics,
 * and liveness and readiness probes.
 *
 * <p>Endpoint rates, top sources and commands in force live in the stores of whichever instance owns their keys:
 * any instance answers for all by asking every other instance of the application (found through Kafka Streams'
 * metadata and {@code application.server}) for its {@code /api/v1/local/...} part and merging. An instance that
 * does not answer is listed under {@code missing}. Anomalies and dead letters are read from their topics by every
 * instance. See the README for the API reference.
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() { };
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_LIMIT = 500;
    private static final int QUERY_THREADS = 4;
    private static final int QUERY_QUEUE = 64;
    private static final Map<String, String> ASSETS = Map.of(
        "index.html", "text/html; charset=utf-8",
        "dashboard.js", "text/javascript; charset=utf-8",
        "dashboard.css", "text/css; charset=utf-8");
    private static final String SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ThreadPoolExecutor queries;
    private final HttpClient peers = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();
    private volatile Sources sources;

    /**
     * What the server reads from.
     *
     * @param streams the running detector
     * @param views this instance's stores
     * @param anomalies the latest anomalies
     * @param deadLetters the latest dead letters
     * @param metrics a Prometheus scrape
     * @param self this instance, as other instances know it ({@code application.server})
     * @param progress the latest check of the input's progress (lag, stalls, late data)
     */
    public record Sources(KafkaStreams streams, DetectorViews views, TopicTail anomalies, TopicTail deadLetters,
                          Supplier<String> metrics, HostInfo self, Supplier<ProgressReport> progress) {
    }

    private QueryServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.queries = new ThreadPoolExecutor(QUERY_THREADS, QUERY_THREADS, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUERY_QUEUE), runnable -> {
                Thread thread = new Thread(runnable, "floodwatch-query");
                thread.setDaemon(true);
                return thread;
            });
    }

    /** Binds the address (port 0 for any free port); requests get 503 until {@link #serve} is called. */
    public static QueryServer bind(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "floodwatch-http");
            thread.setDaemon(true);
            return thread;
        });
        QueryServer query = new QueryServer(server, executor);
        server.createContext("/", query::handle);
        server.setExecutor(executor);
        server.start();
        return query;
    }

    /** The address bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Starts answering from these sources. */
    public void serve(Sources sources) {
        this.sources = sources;
    }

    /**
     * Probes, metrics and the page's files are answered on the server's threads; API queries (store scans, peer
     * fan-out) on a bounded pool of their own, so that a burst of queries never delays a probe past its timeout. When
     * that pool is full, a query gets 503 at once.
     */
    private void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().startsWith("/api/")) {
            answer(exchange);
            return;
        }
        try {
            queries.execute(() -> {
                try {
                    answer(exchange);
                } catch (IOException e) {
                    LOG.debug("Query answer not sent: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            try {
                json(exchange, 503, Map.of("error", "too many queries at once; retry shortly"));
            } finally {
                exchange.close();
            }
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Sources from = sources;
            if (path.equals("/") || path.startsWith("/dashboard/")) {
                asset(exchange, path.equals("/") ? "index.html" : path.substring("/dashboard/".length()));
                return;
            }
            if (from == null) {
                json(exchange, 503, Map.of("error", "the detector is starting"));
                return;
            }
            switch (path) {
                case "/healthz/live" -> probe(exchange, live(from.streams().state()), from.streams().state());
                case "/healthz/ready" -> ready(exchange, from.streams().state(), from.progress().get());
                case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                    from.metrics().get().getBytes(StandardCharsets.UTF_8));
                case "/api/v1/endpoints" -> json(exchange, 200, fanOut(from, "endpoints", from.views()::endpoints, null, 0));
                case "/api/v1/sources/top" -> {
                    int limit = limit(exchange, 20);
                    json(exchange, 200, fanOut(from, "sources?limit=" + limit, () -> from.views().topSources(limit),
                        Comparator.comparingLong((Map<String, Object> s) -> ((Number) s.get("requests")).longValue()).reversed(), limit));
                }
                case "/api/v1/mitigations" -> json(exchange, 200, fanOut(from, "mitigations", from.views()::mitigations,
                    Comparator.comparingLong((Map<String, Object> c) -> ((Number) c.get("issuedAt")).longValue()).reversed(), 0));
                case "/api/v1/anomalies" -> json(exchange, 200, Map.of("items", from.anomalies().latest(limit(exchange, 50))));
                case "/api/v1/dlq" -> json(exchange, 200, Map.of("total", from.deadLetters().total(),
                    "items", from.deadLetters().latest(limit(exchange, 20))));
                case "/api/v1/local/endpoints" -> json(exchange, 200, from.views().endpoints());
                case "/api/v1/local/sources" -> json(exchange, 200, from.views().topSources(limit(exchange, 20)));
                case "/api/v1/local/mitigations" -> json(exchange, 200, from.views().mitigations());
                default -> json(exchange, 404, Map.of("error", "no such resource; see /api/v1/endpoints, /api/v1/sources/top, "
                    + "/api/v1/mitigations, /api/v1/anomalies, /api/v1/dlq, /metrics, /healthz/live, /healthz/ready"));
            }
        } catch (InvalidStateStoreException e) {
            json(exchange, 503, Map.of("error", "stores not queryable now (restoring or rebalancing); retry shortly"));
        } catch (RuntimeException e) {
            LOG.warn("Query {} failed: {}", LogText.bounded(exchange.getRequestURI().getPath()), e.toString());
            json(exchange, 500, Map.of("error", "query failed: " + e.getClass().getSimpleName()));
        } finally {
            exchange.close();
        }
    }

    private static boolean live(KafkaStreams.State state) {
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
            && state != KafkaStreams.State.NOT_RUNNING;
    }

    private static void probe(HttpExchange exchange, boolean ok, KafkaStreams.State state) throws IOException {
        json(exchange, ok ? 200 : 503, Map.of("state", state.name()));
    }

    /**
     * Ready when Kafka Streams runs and none of this instance's input partitions is stalled; the answer carries the
     * input lag per partition, its one-line summary and the late data counted.
     */
    private static void ready(HttpExchange exchange, KafkaStreams.State state, ProgressReport progress) throws IOException {
        boolean ok = state == KafkaStreams.State.RUNNING && !progress.blocksReadiness();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state.name());
        body.put("ready", ok);
        body.put("input", progress.toJson());
        body.put("late", progress.late().toJson());
        json(exchange, ok ? 200 : 503, body);
    }

    /** This instance's part plus every other instance's, merged (sorted and cut when a comparator is given). */
    private Map<String, Object> fanOut(Sources from, String localPath, Supplier<List<Map<String, Object>>> local,
                                       Comparator<Map<String, Object>> order, int limit) {
        List<Map<String, Object>> items = new ArrayList<>(local.get());
        List<String> instances = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, CompletableFuture<HttpResponse<byte[]>>> asked = new LinkedHashMap<>();
        for (StreamsMetadata metadata : from.streams().metadataForAllStreamsClients()) {
            HostInfo host = metadata.hostInfo();
            String peer = host.host() + ":" + host.port();
            instances.add(peer);
            if (!host.equals(from.self())) {
                asked.put(peer, peers.sendAsync(HttpRequest.newBuilder(URI.create("http://" + peer + "/api/v1/local/" + localPath))
                    .timeout(PEER_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
        }
        for (Map.Entry<String, CompletableFuture<HttpResponse<byte[]>>> answer : asked.entrySet()) {
            String peer = answer.getKey();
            try {
                HttpResponse<byte[]> response = answer.getValue().get();
                if (response.statusCode() == 200) {
                    items.addAll(JSON.readValue(response.body(), LIST));
                } else {
                    missing.add(peer);
                }
            } catch (IOException | ExecutionException e) {
                missing.add(peer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing.add(peer);
            }
        }
        if (order != null) {
            items.sort(order);
        }
        if (limit > 0 && items.size() > limit) {
            items = items.subList(0, limit);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("instances", instances.isEmpty() ? List.of(from.self().host() + ":" + from.self().port()) : instances);
        result.put("missing", missing);
        result.put("items", items);
        return result;
    }

    private static int limit(HttpExchange exchange, int fallback) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return fallback;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("limit=")) {
                try {
                    return Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(part.substring("limit=".length()))));
                } catch (NumberFormatException e) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    private static void asset(HttpExchange exchange, String name) throws IOException {
        String type = ASSETS.get(name);
        if (type == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = QueryServer.class.getResourceAsStream("/dashboard/" + name)) {
            exchange.getResponseHeaders().set("Content-Security-Policy", SECURITY_POLICY);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        queries.shutdownNow();
    }
}
