package io.floodwatch.producers;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.floodwatch.producers.sim.LabelledEvent;

/**
 * The ground-truth side file of a simulation, CSV: {@code requestId,actor,attack,sourceIp,timestamp}, one line per
 * event. Labels never travel in the events themselves.
 */
public final class GroundTruth implements AutoCloseable {

    /** The header line. */
    public static final String HEADER = "requestId,actor,attack,sourceIp,timestamp";

    private final BufferedWriter out;

    private GroundTruth(BufferedWriter out) {
        this.out = out;
    }

    /** Opens (truncating) a labels file and writes its header. */
    public static GroundTruth create(Path file) {
        try {
            BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(HEADER);
            out.newLine();
            return new GroundTruth(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write labels to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Records one event's label. */
    public void record(LabelledEvent labelled) {
        try {
            out.write(labelled.event().getRequestId());
            out.write(',');
            out.write(labelled.actor());
            out.write(',');
            out.write(labelled.attack() ? "true" : "false");
            out.write(',');
            out.write(labelled.event().getSourceIp());
            out.write(',');
            out.write(Long.toString(labelled.event().getTimestamp()));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write labels: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write labels: " + e.getMessage(), e);
        }
    }
}
