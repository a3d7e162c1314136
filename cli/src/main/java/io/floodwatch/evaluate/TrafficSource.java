package io.floodwatch.evaluate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

import io.floodwatch.producers.sim.LabelledEvent;
import io.floodwatch.producers.sim.ScenarioOptions;
import io.floodwatch.producers.sim.Scenarios;
import io.floodwatch.producers.sim.Simulation;
import io.floodwatch.schema.RequestEvent;
import io.floodwatch.schema.serde.InvalidEventException;
import io.floodwatch.schema.serde.RecordedLines;

/** Labelled traffic that can be read twice (once to publish, once to score), without holding it in memory. */
public interface TrafficSource {

    /** Actor name of the attackers of a recorded file. */
    String LABELLED_ATTACKERS = "labelled-attackers";

    /** A fresh pass over the traffic. */
    Iterator<LabelledEvent> open();

    /** A simulated scenario; deterministic, so both passes see the same events. */
    static TrafficSource scenario(String name, ScenarioOptions options) {
        Scenarios.build(name, options);
        return () -> new Simulation(Scenarios.build(name, options));
    }

    /**
     * Recorded traffic: JSON lines or a combined access log, and a labels file naming the attacking source addresses (one per line, or the
     * first column of a CSV; lines starting with '#' are comments). Lines that do not parse are skipped.
     */
    static TrafficSource recorded(Path events, Path labels) {
        Set<String> attackers = new HashSet<>();
        try (BufferedReader lines = Files.newBufferedReader(labels, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                String first = line.split(",", 2)[0].strip();
                if (!first.isEmpty() && !first.startsWith("#") && !first.equalsIgnoreCase("sourceIp")) {
                    attackers.add(first);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read labels " + labels + ": " + e.getMessage(), e);
        }
        return () -> {
            BufferedReader reader;
            try {
                reader = Files.newBufferedReader(events, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + events + ": " + e.getMessage(), e);
            }
            return new Iterator<>() {
                private LabelledEvent next = advance();

                private LabelledEvent advance() {
                    try {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            try {
                                RequestEvent event = RecordedLines.parse(line);
                                boolean attack = attackers.contains(event.getSourceIp());
                                return new LabelledEvent(event, attack ? LABELLED_ATTACKERS : "users", attack);
                            } catch (InvalidEventException e) {
                                continue;
                            }
                        }
                        reader.close();
                        return null;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public LabelledEvent next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    LabelledEvent current = next;
                    next = advance();
                    return current;
                }
            };
        };
    }
}
