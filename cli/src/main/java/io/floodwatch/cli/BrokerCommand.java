package io.floodwatch.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.floodwatch.broker.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code floodwatch broker}: only the embedded single-node KRaft broker, for gateways and tools to test against. */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run only the embedded single-node Kafka broker (KRaft) and print its address.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "floodwatch-data",
        description = "Where the broker keeps its data (default ${DEFAULT-VALUE}); the log goes in DIR/kafka.")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
        description = "Preferred port (default ${DEFAULT-VALUE}; the next free one if taken; 0 for any).")
    int port;

    @Option(names = "--secure",
        description = "Authenticate clients with SASL/SCRAM and authorize them with Floodwatch's ACLs; each principal's"
            + " client settings are written to DIR/credentials.")
    boolean secure;

    @Override
    public Integer call() throws Exception {
        System.out.println("Logs: " + LogFile.under(dataDir));
        EmbeddedKafkaBroker broker = SecureBroker.start(dataDir.toAbsolutePath(), port, secure, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "floodwatch-broker-shutdown"));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
