package io.floodwatch.schema.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.util.ClassSecurityValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.EndpointBaseline;
import io.floodwatch.schema.EndpointRate;
import io.floodwatch.schema.EndpointTick;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.SourceRate;
import io.floodwatch.schema.SourceTick;
import io.floodwatch.schema.StreamProgress;

/**
 * Registry of every Avro schema version Floodwatch knows, and the one place where Avro is told to trust the
 * generated classes.
 *
 * <p>Avro 1.12.2 refuses to instantiate classes outside a trusted set when decoding specific records
 * ({@link ClassSecurityValidator}). {@link #trustGeneratedClasses()} adds the {@code io.floodwatch.schema}
 * package to the global predicate, keeping Avro's defaults and the {@code org.apache.avro.SERIALIZABLE_PACKAGES}
 * system property working, so no user has to remember a command-line flag.
 *
 * <p>{@link #schemaStore()} holds the current schema of every generated class plus every historical version
 * listed in {@code floodwatch/schemas/history/index.txt} on the class path, so single-object encoded records
 * written with an older schema still decode.
 */
public final class FloodwatchSchemas {

    /** Package of the generated classes. */
    public static final String SCHEMA_PACKAGE = "io.floodwatch.schema";

    static final String HISTORY_ROOT = "floodwatch/schemas/history/";

    private static final Logger LOG = LoggerFactory.getLogger(FloodwatchSchemas.class);

    private static final List<Schema> CURRENT = List.of(
        RequestEvent.getClassSchema(), MitigationCommand.getClassSchema(), EndpointTick.getClassSchema(),
        EndpointRate.getClassSchema(), SourceTick.getClassSchema(), SourceRate.getClassSchema(),
        EndpointBaseline.getClassSchema(), MitigationCandidate.getClassSchema(),
        MitigationState.getClassSchema(), Anomaly.getClassSchema(), StreamProgress.getClassSchema());

    private static volatile SchemaStore.Cache store;

    private FloodwatchSchemas() {
    }

    /** Adds the generated package to Avro's trusted classes; idempotent and cheap after the first call. */
    public static synchronized void trustGeneratedClasses() {
        ClassSecurityValidator.ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
        if (global.isTrusted(RequestEvent.class)) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate ours = type -> type.getName().startsWith(SCHEMA_PACKAGE + ".");
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(global, ours));
    }

    /** The current schemas of all generated classes. */
    public static List<Schema> currentSchemas() {
        return CURRENT;
    }

    /** A store with every known schema version, loaded once. */
    public static SchemaStore schemaStore() {
        SchemaStore.Cache cache = store;
        if (cache == null) {
            synchronized (FloodwatchSchemas.class) {
                cache = store;
                if (cache == null) {
                    cache = new SchemaStore.Cache();
                    for (Schema schema : CURRENT) {
                        cache.addSchema(schema);
                    }
                    for (Schema schema : historicalSchemas(FloodwatchSchemas.class.getClassLoader())) {
                        cache.addSchema(schema);
                    }
                    store = cache;
                }
            }
        }
        return cache;
    }

    /** Every schema listed in any {@code floodwatch/schemas/history/index.txt} visible to the loader. */
    static List<Schema> historicalSchemas(ClassLoader loader) {
        List<Schema> schemas = new ArrayList<>();
        try {
            Enumeration<URL> indexes = loader.getResources(HISTORY_ROOT + "index.txt");
            while (indexes.hasMoreElements()) {
                URL index = indexes.nextElement();
                for (String name : readIndex(index)) {
                    URL file = new URL(index, name);
                    try (InputStream in = file.openStream()) {
                        Schema schema = new Schema.Parser().parse(in);
                        LOG.debug("Registered historical schema {} fingerprint {}", schema.getFullName(),
                            SchemaNormalization.parsingFingerprint64(schema));
                        schemas.add(schema);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Avro schema history: " + e.getMessage(), e);
        }
        return schemas;
    }

    private static List<String> readIndex(URL index) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    names.add(trimmed);
                }
            }
        }
        return names;
    }
}
