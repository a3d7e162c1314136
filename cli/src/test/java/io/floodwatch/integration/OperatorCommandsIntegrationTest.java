package io.floodwatch.integration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.floodwatch.detector.app.DetectorApp;
import io.floodwatch.cli.FloodwatchCli;
import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.testing.Events;
import io.floodwatch.testing.TestBroker;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.serde.AvroSerde;
import picocli.CommandLine;

/** The operator commands against a running detector: lift a command now, list the rules, change one. */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OperatorCommandsIntegrationTest {

    private static final String FLOODER = "203.0.113.44";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int floodwatch(String... args) {
        CommandLine cli = FloodwatchCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldLiftNowAndChangeRulesWithConfirmationWhenAnOperatorAsks() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            Map<String, Object> settings = broker.detectorSettings(dir.resolve("detector"));
            try (DetectorApp detector = DetectorApp.start(new FloodwatchConfig(settings), new PrintStream(new ByteArrayOutputStream()))) {
                // Given a source blocked for flooding
                long now = System.currentTimeMillis();
                try (RequestPublisher gateway = RequestPublisher.create(broker.bootstrapServers(), "requests", Map.of())) {
                    for (int i = 0; i < 4_000; i++) {
                        gateway.publish(Events.get(now - 20_000 + i * 5L, FLOODER, "/api/v1/models"));
                    }
                }
                AvroSerde<MitigationCommand> serde = AvroSerde.of(MitigationCommand.class);
                await("the flooder blocked").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> broker.readAll("mitigations").stream().map(r -> serde.deserialize("mitigations", r.value()))
                        .anyMatch(c -> c.getTarget().equals(FLOODER) && c.getAction() == MitigationAction.BLOCK));
                String bootstrap = "--bootstrap-servers=" + broker.bootstrapServers();

                // When an operator lifts it, sends a bad rule change, then a good one, and lists the rules
                int lift = floodwatch("lift", "--target", FLOODER, bootstrap, "--timeout", "60");
                String liftOut = out.toString();
                int bad = floodwatch("rules", "set", "source-rate-limit", "{\"settings\": {\"rule.source.ip.block.per.second\": -5}}", bootstrap);
                String badErr = err.toString();
                int good = floodwatch("rules", "set", "source-rate-limit",
                    "{\"mode\": \"DRY_RUN\", \"settings\": {\"rule.source.ip.block.per.second\": 500}}", bootstrap);
                String goodOut = out.toString().substring(liftOut.length());
                int list = floodwatch("rules", "list", bootstrap);
                String listOut = out.toString().substring(liftOut.length() + goodOut.length());

                // Then
                assertEquals(0, lift, err.toString());
                assertTrue(liftOut.contains("Lifted ip:" + FLOODER) && liftOut.contains("lifted by an operator"), liftOut);
                assertEquals(1, bad);
                assertTrue(badErr.contains("rejected, nothing sent"), badErr);
                assertEquals(0, good, err.toString());
                assertTrue(goodOut.contains("mode: ENFORCE -> DRY_RUN"), goodOut);
                assertTrue(goodOut.contains("rule.source.ip.block.per.second: 100.0 -> 500.0"), goodOut);
                assertEquals(0, list, err.toString());
                assertTrue(listOut.contains("source-rate-limit (DRY_RUN, changed at run time)"), listOut);
                assertTrue(listOut.contains("rule.source.ip.block.per.second = 500.0  (start-up: 100.0)"), listOut);
                await("the detector applied the change").atMost(Duration.ofSeconds(30))
                    .until(() -> detector.rules().current().config().getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG) == 500.0);
            }
        }
    }
}
