package io.floodwatch.detector.app;

/** The configured Kafka brokers did not answer in time. */
public final class BrokerUnreachableException extends StartupException {

    private static final long serialVersionUID = 1L;

    /**
     * @param bootstrapServers the brokers tried
     * @param timeoutMs how long they were given
     */
    public BrokerUnreachableException(String bootstrapServers, long timeoutMs) {
        super("cannot reach Kafka at " + bootstrapServers + " within " + timeoutMs / 1000
            + " s; check --bootstrap-servers (or omit it to start the embedded broker), and pass --kafka-config FILE if the"
            + " brokers require authentication");
    }
}
