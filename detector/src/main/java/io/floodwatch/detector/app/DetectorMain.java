package io.floodwatch.detector.app;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

import io.floodwatch.detector.config.ConfigLoader;

/**
 * The detector as a deployment runs it, without the command-line tools: {@code java -jar floodwatch-detector.jar
 * [FILE]} reads the optional properties file, then {@code FLOODWATCH_*} and {@code KAFKA_*} environment variables, and
 * runs on the configured {@code bootstrap.servers} until it is stopped. A configuration error is printed on one line
 * and exits with status 2. Logging follows {@code floodwatch-detector-logback.xml} unless
 * {@code -Dlogback.configurationFile} names another.
 */
public final class DetectorMain {

    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    private DetectorMain() {
    }

    /** @param args an optional properties file */
    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, "floodwatch-detector-logback.xml");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length > 1) {
            fail("expected at most one argument, the properties file; got " + args.length);
        }
        Path file = args.length == 1 ? Path.of(args[0]) : null;
        DetectorApp app;
        try {
            app = DetectorApp.start(ConfigLoader.load(file, System.getenv(), Map.of()), out);
        } catch (ConfigException | StartupException e) {
            fail(e.getMessage());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "floodwatch-shutdown"));
        app.awaitStop();
    }

    private static void fail(String message) {
        System.err.println("floodwatch: " + message);
        System.exit(2);
    }
}
