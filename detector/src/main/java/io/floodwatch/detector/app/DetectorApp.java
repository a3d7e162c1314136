package io.floodwatch.detector.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.detector.app.TopicProvisioner;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.detector.rules.LiveRules;
import io.floodwatch.detector.metrics.DetectorMeters;
import io.floodwatch.detector.metrics.DetectorMetrics;
import io.floodwatch.detector.progress.ConsumerInputLag;
import io.floodwatch.detector.progress.InputProgressWatchdog;
import io.floodwatch.detector.query.DetectorSurface;
import io.floodwatch.detector.query.QueryServer;
import io.floodwatch.detector.topology.FloodwatchTopology;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Starts the detector on the given brokers: the topics, the Kafka Streams application and, beside it, the input progress
 * watchdog and the HTTP surface; {@link #close()} stops them in reverse order. Whoever starts a broker (the command
 * line's embedded one) stops it after the detector.
 */
public final class DetectorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorApp.class);
    private static final long ADMIN_TIMEOUT_MS = 30_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final boolean standalone;
    private final KafkaStreams streams;
    private final String bootstrapServers;
    private final LiveRules rules;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final QueryServer http;
    private DetectorSurface surface;
    private InputProgressWatchdog watchdog;

    private DetectorApp(boolean standalone, KafkaStreams streams, String bootstrapServers, LiveRules rules,
                        QueryServer http) {
        this.standalone = standalone;
        this.streams = streams;
        this.bootstrapServers = bootstrapServers;
        this.rules = rules;
        this.http = http;
    }

    /**
     * The HTTP surface's server, bound before Kafka Streams starts so that its port is known to other instances. A
     * standalone detector (a laptop, a demo) moves to a free port when the configured one is taken; a deployment fails
     * with a clear message instead.
     */
    private static QueryServer bindHttp(FloodwatchConfig config, boolean standalone) {
        InetSocketAddress listen = config.httpListen();
        if (listen == null) {
            return null;
        }
        try {
            return QueryServer.bind(listen);
        } catch (IOException e) {
            if (standalone) {
                try {
                    return QueryServer.bind(new InetSocketAddress(listen.getAddress(), 0));
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw new StartupException("cannot listen on " + config.getString(FloodwatchConfig.HTTP_LISTEN_CONFIG) + ": "
                + e.getMessage() + " (set another address with -D http.listen=HOST:PORT, or -D http.listen=off)");
        }
    }

    /** This instance's HTTP address as other instances reach it. */
    private static HostInfo advertised(FloodwatchConfig config, QueryServer http) {
        String host = config.getString(FloodwatchConfig.HTTP_ADVERTISED_HOST_CONFIG);
        if (host.isBlank()) {
            host = http.address().getAddress().isAnyLocalAddress() ? localHostName() : http.address().getHostString();
        }
        return new HostInfo(host, http.address().getPort());
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The address of the query API, dashboard and metrics, or null when it is off. */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    /**
     * Starts everything on the configured {@code bootstrap.servers}.
     *
     * @param config configuration
     * @param out where the addresses of the detector are printed
     * @throws StartupException if no brokers are configured, or they do not answer
     */
    public static DetectorApp start(FloodwatchConfig config, PrintStream out) throws InterruptedException {
        String bootstrap = config.getString(FloodwatchConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap.isBlank()) {
            throw new StartupException("bootstrap.servers is not set; set it to the Kafka brokers to read, HOST:PORT[,...]");
        }
        return start(config, bootstrap, out);
    }

    /**
     * Starts everything on the given brokers. A configuration without {@code bootstrap.servers} is a standalone
     * detector on a broker of its own (started by the caller): it moves its HTTP surface to a free port when the
     * configured one is taken, and leaves its group when it stops, so that its restart does not wait out the session
     * timeout.
     *
     * @param config configuration
     * @param bootstrap the brokers to use
     * @param out where the addresses of the detector are printed
     * @throws StartupException if the brokers do not answer or the HTTP address cannot be bound
     */
    public static DetectorApp start(FloodwatchConfig config, String bootstrap, PrintStream out) throws InterruptedException {
        boolean standalone = config.embedded();
        QueryServer http = null;
        DetectorApp started = null;
        try {
            if (!standalone) {
                out.println("Kafka brokers: " + bootstrap);
            }
            Topics topics = Topics.from(config);
            Map<String, Integer> partitions = provision(config, topics, bootstrap);
            PrometheusMeterRegistry registry = DetectorMetrics.registry();
            ConsumerInputLag lag = new ConsumerInputLag();
            FloodwatchTopology floodwatch = new FloodwatchTopology(config, topics, new DetectorMeters(registry),
                partitions.get(topics.requests().name()), partitions.get(topics.requestsJson().name()), lag);
            Topology topology = floodwatch.build();
            LOG.debug("Topology:\n{}", topology.describe());
            http = bindHttp(config, standalone);
            Properties props = StreamsSettings.of(config, bootstrap, registry);
            HostInfo self = http == null ? null : advertised(config, http);
            if (self != null) {
                props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
            }
            KafkaStreams streams = new KafkaStreams(topology, props);
            lag.attach(streams);
            DetectorApp app = new DetectorApp(standalone, streams, bootstrap, floodwatch.rules(), http);
            started = app;
            streams.setUncaughtExceptionHandler(exception -> {
                LOG.error("Stream thread failed; replacing it", exception);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streams.setStateListener((newState, oldState) -> {
                LOG.info("Detector state {} -> {}", oldState, newState);
                if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                    app.stopped.countDown();
                }
            });
            app.watchdog = InputProgressWatchdog.start(config, topics, bootstrap, streams, registry);
            app.surface = DetectorSurface.start(config, topics, bootstrap, streams, registry, http, self, app.watchdog);
            streams.start();
            if (http != null) {
                out.println("Dashboard: http://" + http.address().getHostString() + ":" + http.address().getPort()
                    + "/ (query API under /api/v1, Prometheus metrics at /metrics)");
            }
            out.println("Detector running (application id " + config.getString(FloodwatchConfig.APPLICATION_ID_CONFIG)
                + ", reading " + topics.requests().name() + " and " + topics.requestsJson().name() + ", writing "
                + topics.mitigations().name() + "). Ctrl-C stops it.");
            return app;
        } catch (RuntimeException | InterruptedException e) {
            if (started != null) {
                started.close();
                throw e;
            }
            if (http != null) {
                http.close();
            }
            throw e;
        }
    }

    /** The brokers the detector uses. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The rules in force, as changed at run time through {@code detector-control}. */
    public LiveRules rules() {
        return rules;
    }

    /** The running Kafka Streams instance, for queries and tests. */
    public KafkaStreams streams() {
        return streams;
    }

    /** Blocks until the Streams application stops. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.close();
        }
        // A standalone instance leaves the group so that its restart does not wait out the session timeout;
        // members of a multi-instance deployment stay, so a rolling restart does not move every task.
        boolean closed = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(standalone
            ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        if (!closed) {
            LOG.warn("Kafka Streams did not stop within {}; its state directory stays locked until this process exits",
                CLOSE_TIMEOUT);
        }
        if (surface != null) {
            surface.close();
        }
        if (http != null) {
            http.close();
        }
        stopped.countDown();
    }

    /** Creates the missing topics; returns the partitions of the input topics. */
    private static Map<String, Integer> provision(FloodwatchConfig config, Topics topics, String bootstrap) throws InterruptedException {
        Map<String, Object> adminProps = new HashMap<>();
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS);
        adminProps.putAll(config.kafkaOverrides());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long timeoutMs = Long.parseLong(String.valueOf(adminProps.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)));
        try (Admin admin = Admin.create(adminProps)) {
            TopicProvisioner.ensureTopics(admin, config, topics, timeoutMs);
            Map<String, Integer> partitions = new HashMap<>();
            admin.describeTopics(List.of(topics.requests().name(), topics.requestsJson().name())).allTopicNames()
                .get(timeoutMs, TimeUnit.MILLISECONDS).forEach((name, description) -> partitions.put(name, description.partitions().size()));
            return partitions;
        } catch (TimeoutException e) {
            throw new BrokerUnreachableException(bootstrap, timeoutMs);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the input topics: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
