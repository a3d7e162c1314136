package io.floodwatch.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The shipped Grafana dashboard ({@code deploy/grafana/floodwatch-dashboard.json}), as tests of its metrics read it. */
public final class GrafanaDashboard {

    /** The repository's {@code deploy} directory, from a module's base directory. */
    public static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).resolve("../deploy");

    private static final Pattern METRIC = Pattern.compile("\\b(floodwatch_\\w+|kafka_\\w+|jvm_\\w+|process_\\w+)");

    private GrafanaDashboard() {
    }

    /** The metric names the dashboard's panels query. */
    public static Set<String> metrics() throws IOException {
        JsonNode grafana = new ObjectMapper().readTree(DEPLOY.resolve("grafana/floodwatch-dashboard.json").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : grafana.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
