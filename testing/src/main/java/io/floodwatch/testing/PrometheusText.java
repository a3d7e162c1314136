package io.floodwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One scrape of a detector's {@code /metrics} (Prometheus text format), with the few look-ups tests need. A metric
 * that is not in the scrape reads as 0, so a test can compare scrapes taken before and after a counter first appears.
 *
 * @param samples every sample of the scrape
 */
public record PrometheusText(List<Sample> samples) {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * One sample line.
     *
     * @param name metric name
     * @param labels label values by name
     * @param value the value
     */
    public record Sample(String name, Map<String, String> labels, double value) {
        @Override
        public String toString() {
            return name + labels + " " + value;
        }
    }

    /** Scrapes the detector listening on {@code address}. */
    public static PrometheusText scrape(InetSocketAddress address) {
        URI uri = URI.create("http://127.0.0.1:" + address.getPort() + "/metrics");
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping " + uri, e);
        }
    }

    /** Parses Prometheus text format (comments skipped, no timestamps expected). */
    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0) {
                Matcher m = LABEL.matcher(line.substring(brace + 1, line.lastIndexOf('}')));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
        }
        return new PrometheusText(List.copyOf(samples));
    }

    /** Whether any sample of the metric is in the scrape. */
    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The sum of every sample of a metric over all its label sets; 0 if absent. */
    public double sum(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
    }

    /** The samples of a metric summed by the value of one label (for example per {@code stage}); empty if absent. */
    public Map<String, Double> sumBy(String name, String label) {
        return samples.stream().filter(s -> s.name().equals(name))
            .collect(Collectors.groupingBy(s -> s.labels().getOrDefault(label, ""), TreeMap::new,
                Collectors.summingDouble(Sample::value)));
    }

    /** The distinct metric names containing {@code fragment}, for failure messages. */
    public List<String> namesContaining(String fragment) {
        return samples.stream().map(Sample::name).filter(n -> n.contains(fragment)).distinct().sorted().toList();
    }

    /** The samples of the given metrics, one per line, for failure messages. */
    public String show(String... names) {
        List<String> wanted = List.of(names);
        String shown = samples.stream().filter(s -> wanted.contains(s.name())).map(Sample::toString)
            .collect(Collectors.joining("\n  "));
        return shown.isEmpty() ? "(none of " + wanted + " exported)" : "\n  " + shown;
    }
}
