package io.floodwatch.gateway.sidecar;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.floodwatch.schema.client.ClientPropertiesFile;
import io.floodwatch.schema.sign.CommandKeys;

/**
 * {@code sidecar}: the decision sidecar for nginx {@code auth_request} and Envoy {@code ext_authz}. Runs until
 * interrupted. Also the main class of the standalone sidecar jar.
 */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
    description = "Answer nginx auth_request and Envoy ext_authz checks from the mitigation commands, and publish the "
        + "gateway's access logs (JSON lines over syslog UDP, or a followed file) as request events.")
public final class SidecarCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--listen", defaultValue = "127.0.0.1:9191", converter = HostPortConverter.class,
        description = "host:port of the decision server (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--syslog", defaultValue = "127.0.0.1:5140",
        description = "host:port where access logs arrive over syslog UDP, or 'off' (default: ${DEFAULT-VALUE}).")
    String syslog;

    @Option(names = "--access-log", paramLabel = "FILE",
        description = "An access-log file to follow like tail -F (Envoy's JSON access log), in addition to --syslog.")
    Path accessLog;

    @Option(names = "--requests-topic", defaultValue = "requests", description = "Topic for request events (default: ${DEFAULT-VALUE}).")
    String requestsTopic;

    @Option(names = "--mitigations-topic", defaultValue = "mitigations", description = "Topic of commands (default: ${DEFAULT-VALUE}).")
    String mitigationsTopic;

    @Option(names = "--gateways", defaultValue = "1",
        description = "Gateways sharing endpoint THROTTLEs; each admits 1/N of the rate (default: ${DEFAULT-VALUE}).")
    int gateways;

    @Option(names = "--threads", defaultValue = "8", description = "Decision server threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--queue", defaultValue = "100000",
        description = "Request events held while the brokers are unreachable; beyond, dropped and counted (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--command-keys-file", paramLabel = "FILE",
        description = "File of HMAC-SHA256 command keys ('<key-id>:<base64 secret>' per line): only commands signed with one of them are enforced.")
    String commandKeysFile;

    @Option(names = "--command-keys-env", paramLabel = "VARIABLE",
        description = "Environment variable holding the command keys, instead of a file.")
    String commandKeysEnv;

    @Option(names = "--kafka-config", paramLabel = "FILE",
        description = "Kafka client properties (security.protocol, sasl.*, ssl.*), e.g. the gateway.properties a secured broker writes.")
    Path kafkaConfig;

    @Option(names = {"-X", "--kafka"}, paramLabel = "KEY=VALUE",
        description = "A Kafka client property for the producer and the consumer, e.g. -X security.protocol=SSL.")
    Map<String, String> kafka = new HashMap<>();

    private Map<String, String> clientSettings() {
        Map<String, String> settings = new HashMap<>();
        if (kafkaConfig != null) {
            try {
                settings.putAll(ClientPropertiesFile.load(kafkaConfig));
            } catch (IllegalArgumentException e) {
                throw new SidecarException(e.getMessage() + " (see --kafka-config)");
            }
        }
        settings.putAll(kafka);
        return settings;
    }

    @Override
    public Integer call() throws Exception {
        if (gateways < 1 || threads < 1 || queue < 1) {
            throw new SidecarException("--gateways, --threads and --queue must be at least 1");
        }
        InetSocketAddress syslogAddress = "off".equalsIgnoreCase(syslog) ? null : new HostPortConverter().convert(syslog);
        CommandKeys keys;
        try {
            keys = CommandKeys.load(commandKeysFile, commandKeysEnv, System::getenv);
        } catch (IllegalArgumentException e) {
            throw new SidecarException(e.getMessage() + " (see --command-keys-file)");
        }
        Sidecar.Settings settings = new Sidecar.Settings(bootstrapServers, listen, syslogAddress, accessLog, requestsTopic,
            mitigationsTopic, gateways, threads, queue, Map.copyOf(clientSettings()), keys);
        CountDownLatch stop = new CountDownLatch(1);
        try (Sidecar sidecar = Sidecar.start(settings)) {
            System.out.println("Floodwatch sidecar on http://" + hostPort(sidecar.address()) + " (nginx: /nginx/authz, Envoy: "
                + "/envoy/authz, health: /healthz, counts: /stats)" + (keys.configured() ? "; commands verified with keys "
                + keys : "; commands NOT verified (no --command-keys-file)") + (sidecar.syslogAddress() == null ? ""
                : "; access logs on udp " + hostPort(sidecar.syslogAddress())) + ". Ctrl-C stops it.");
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "floodwatch-sidecar-stop"));
            stop.await();
        }
        return 0;
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** Parses {@code host:port}. */
    public static final class HostPortConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not host:port (e.g. 127.0.0.1:9191)");
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' has no numeric port (e.g. 127.0.0.1:9191)");
            }
            if (port < 0 || port > 65_535) {
                throw new CommandLine.TypeConversionException("port " + port + " is outside 0..65535");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new InetSocketAddress(host, port);
        }
    }

    /** Entry point of the standalone sidecar jar: errors are one line, without a stack trace. */
    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "floodwatch-sidecar-logback.xml");
        }
        CommandLine cli = new CommandLine(new SidecarCommand());
        cli.setParameterExceptionHandler((ex, ignored) -> {
            cli.getErr().println("floodwatch-sidecar: " + ex.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            cli.getErr().println("floodwatch-sidecar: " + (ex instanceof SidecarException ? ex.getMessage() : ex.toString()));
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
