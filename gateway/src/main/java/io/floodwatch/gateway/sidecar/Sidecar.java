package io.floodwatch.gateway.sidecar;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.gateway.enforce.EnforcementTable;
import io.floodwatch.gateway.enforce.MitigationSubscriber;
import io.floodwatch.gateway.publish.RequestEventPublisher;
import io.floodwatch.schema.sign.CommandKeys;

/**
 * The decision sidecar put beside a gateway: the enforcement table kept up to date from {@code mitigations}, the
 * HTTP decision server nginx and Envoy ask, and (optionally) the access-log receiver (syslog UDP) and file tailer
 * that turn the gateway's access logs into request events on {@code requests}. {@link #close()} stops them in reverse order.
 */
public final class Sidecar implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

    /**
     * What the sidecar needs.
     *
     * @param bootstrapServers Kafka brokers
     * @param listen where the decision server listens
     * @param syslog where access logs arrive over UDP, or null for none
     * @param accessLog an access-log file to follow, or null for none
     * @param requestsTopic topic request events go to
     * @param mitigationsTopic topic commands come from
     * @param gateways gateways sharing endpoint THROTTLEs (each admits 1/gateways of the rate)
     * @param threads decision server threads
     * @param queue request events held while the brokers are unreachable
     * @param kafka further Kafka client properties (security settings), for the producer and the consumer
     * @param commandKeys keys a command must be signed with, or {@link CommandKeys#NONE} to accept every command
     */
    public record Settings(String bootstrapServers, InetSocketAddress listen, InetSocketAddress syslog, Path accessLog,
                           String requestsTopic, String mitigationsTopic, int gateways, int threads, int queue,
                           Map<String, Object> kafka, CommandKeys commandKeys) {
    }

    private final RequestEventPublisher publisher;
    private final MitigationSubscriber subscriber;
    private final DecisionServer server;
    private final AccessLogReceiver receiver;
    private final AccessLogTailer tailer;
    private final AccessLogIngest ingest;
    private final EnforcementTable table;

    private Sidecar(RequestEventPublisher publisher, MitigationSubscriber subscriber, DecisionServer server,
                    AccessLogReceiver receiver, AccessLogTailer tailer, AccessLogIngest ingest, EnforcementTable table) {
        this.publisher = publisher;
        this.subscriber = subscriber;
        this.server = server;
        this.receiver = receiver;
        this.tailer = tailer;
        this.ingest = ingest;
        this.table = table;
    }

    /**
     * Starts everything.
     *
     * @throws SidecarException if an address cannot be bound
     */
    public static Sidecar start(Settings settings) {
        EnforcementTable table = new EnforcementTable(1.0 / settings.gateways(), System::currentTimeMillis);
        RequestEventPublisher publisher = RequestEventPublisher.create(settings.bootstrapServers(), settings.requestsTopic(),
            settings.queue(), settings.kafka());
        MitigationSubscriber subscriber = MitigationSubscriber.start(settings.bootstrapServers(), settings.mitigationsTopic(),
            table, settings.kafka(), settings.commandKeys());
        AccessLogIngest ingest = new AccessLogIngest(publisher);
        AccessLogTailer tailer = settings.accessLog() == null ? null : AccessLogTailer.start(settings.accessLog(), ingest);
        AccessLogReceiver receiver = null;
        DecisionServer server = null;
        try {
            if (settings.syslog() != null) {
                receiver = AccessLogReceiver.start(settings.syslog(), ingest);
            }
            server = DecisionServer.start(settings.listen(), settings.threads(), table, subscriber::healthy,
                () -> Map.of("requestEvents", publisher.counts(),
                    "accessLogLines", Map.of("received", ingest.received(), "malformed", ingest.malformed()),
                    "undecodableCommands", subscriber.undecodable(),
                    "unverifiedCommands", subscriber.unverified(),
                    "ready", subscriber.caughtUp()));
        } catch (IOException e) {
            Sidecar partial = new Sidecar(publisher, subscriber, server, receiver, tailer, ingest, table);
            partial.close();
            throw new SidecarException("cannot listen on " + (receiver == null && settings.syslog() != null
                ? "udp " + settings.syslog() : settings.listen()) + ": " + e.getMessage()
                + " (choose another address with --listen or --syslog)");
        }
        LOG.info("Sidecar listening on {} (nginx: /nginx/authz, Envoy: /envoy/authz){}{}", server.address(),
            receiver == null ? "" : ", access logs on udp " + receiver.address(),
            tailer == null ? "" : ", following " + settings.accessLog());
        return new Sidecar(publisher, subscriber, server, receiver, tailer, ingest, table);
    }

    /** The decision server's address. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** The access-log receiver's address, or null. */
    public InetSocketAddress syslogAddress() {
        return receiver == null ? null : receiver.address();
    }

    /** Waits until the commands on the topic at start are loaded; whether they are. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return subscriber.awaitCaughtUp(timeout);
    }

    /** The enforcement table. */
    public EnforcementTable table() {
        return table;
    }

    /** Command records dropped because their signature is missing or does not verify under the keys. */
    public long unverifiedCommands() {
        return subscriber.unverified();
    }

    /** The decision server. */
    public DecisionServer server() {
        return server;
    }

    /** Counts of the access-log lines received. */
    public AccessLogIngest accessLogs() {
        return ingest;
    }

    /** The request event publisher. */
    public RequestEventPublisher publisher() {
        return publisher;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        try {
            if (receiver != null) {
                receiver.close();
            }
            if (tailer != null) {
                tailer.close();
            }
            subscriber.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }
}
