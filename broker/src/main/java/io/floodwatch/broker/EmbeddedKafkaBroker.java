package io.floodwatch.broker;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller roles) running in this JVM, from the
 * {@code kafka_2.13} and {@code kafka-server} artifacts. Its log directory is formatted on first start and kept
 * afterwards, so topics, committed offsets and transactions survive a restart.
 *
 * <p>Sized for one machine: single replicas, a small offsets topic, no initial rebalance delay, topics created
 * explicitly (auto-creation is off so that a typo in a topic name fails loudly).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final int MAX_PORT_TRIES = 100;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /**
     * Formats (if needed) and starts a broker.
     *
     * @param logDir where the broker keeps its data
     * @param preferredPort port to listen on, or the next free one above it; 0 for any free port
     */
    public static EmbeddedKafkaBroker start(Path logDir, int preferredPort) {
        return start(logDir, preferredPort, Map.of());
    }

    /**
     * Formats (if needed) and starts a broker with further broker settings, applied last (tests use them to run the
     * retention check often, for example {@code log.retention.check.interval.ms}).
     *
     * @param logDir where the broker keeps its data
     * @param preferredPort port to listen on, or the next free one above it; 0 for any free port
     * @param overrides broker settings replacing the defaults
     */
    public static EmbeddedKafkaBroker start(Path logDir, int preferredPort, Map<String, String> overrides) {
        return start(logDir, preferredPort, overrides, null);
    }

    /**
     * Formats (if needed) and starts a broker that authenticates every client with SASL/SCRAM-SHA-256 and authorizes
     * it with the ACLs of {@link AccessPolicy#defaults()}: the principals' credentials and the ACLs are written into the
     * cluster's metadata before this returns. The broker's own connections (controller and inter-broker) use
     * SASL/PLAIN on loopback listeners of their own; the broker is the only super user.
     *
     * @param logDir where the broker keeps its data
     * @param preferredPort client port, or the next free one above it; 0 for any free port
     * @param credentials the passwords of the broker and of each principal
     */
    public static EmbeddedKafkaBroker startSecure(Path logDir, int preferredPort, BrokerCredentials credentials) {
        return start(logDir, preferredPort, Map.of(), credentials);
    }

    private static EmbeddedKafkaBroker start(Path logDir, int preferredPort, Map<String, String> overrides,
                                             BrokerCredentials credentials) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create broker directory " + logDir + ": " + e.getMessage(), e);
        }
        int port = preferredPort == 0 ? freePort(0) : freePort(preferredPort);
        int controllerPort = freePort(0);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        int internalPort = credentials == null ? 0 : freePort(0);
        if (credentials == null) {
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", "PLAINTEXT");
        } else {
            secureListeners(props, port, internalPort, controllerPort, credentials);
        }
        props.put("log.dirs", logDir.toString());
        props.put("metadata.log.dir", logDir.toString());
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "4");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        props.putAll(overrides);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + port;
        if (credentials != null) {
            try {
                BrokerAccess.apply("127.0.0.1:" + internalPort, credentials, AccessPolicy.defaults());
            } catch (RuntimeException e) {
                server.shutdown();
                server.awaitShutdown();
                throw e;
            }
        }
        LOG.info("Embedded Kafka broker (KRaft) listening on {} ({}) with data in {}", bootstrap,
            credentials == null ? "no authentication" : "SASL/SCRAM and ACLs", logDir);
        return new EmbeddedKafkaBroker(server, bootstrap, logDir);
    }

    private static void secureListeners(Properties props, int port, int internalPort, int controllerPort,
                                        BrokerCredentials credentials) {
        String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BrokerCredentials.BROKER
            + "\" password=\"" + credentials.password(BrokerCredentials.BROKER) + "\" user_" + BrokerCredentials.BROKER
            + "=\"" + credentials.password(BrokerCredentials.BROKER) + "\";";
        props.put("listeners", "CLIENT://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort
            + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "CLIENT://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort);
        props.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", "INTERNAL");
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.client.sasl.enabled.mechanisms", BrokerCredentials.CLIENT_MECHANISM);
        props.put("listener.name.client.scram-sha-256.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.internal.plain.sasl.jaas.config", plain);
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config", plain);
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + BrokerCredentials.BROKER);
        props.put("allow.everyone.if.no.acl.found", "false");
    }

    /** The address clients connect to, {@code host:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's log directory. */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker and waits for it. */
    @Override
    public void close() {
        LOG.info("Stopping embedded Kafka broker on {}", bootstrapServers);
        server.shutdown();
        server.awaitShutdown();
    }

    private static void format(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setControllerListenerName("CONTROLLER")
                .setIgnoreFormatted(true)
                .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded broker's storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static int freePort(int preferred) {
        if (preferred == 0) {
            try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
            }
        }
        for (int port = preferred; port < preferred + MAX_PORT_TRIES && port <= 65535; port++) {
            try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                LOG.debug("Port {} is taken", port);
            }
        }
        throw new IllegalStateException("no free port in " + preferred + ".." + (preferred + MAX_PORT_TRIES - 1)
            + " on 127.0.0.1; pass --embedded-port or --bootstrap-servers");
    }
}
