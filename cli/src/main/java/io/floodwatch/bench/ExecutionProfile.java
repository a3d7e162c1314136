package io.floodwatch.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Java Flight Recorder profile of a benchmark phase, summarised as the methods where execution samples
 * land most (top frame), so a run can say where the detector's time goes.
 */
final class ExecutionProfile implements AutoCloseable {

    private final Recording recording;

    private ExecutionProfile(Recording recording) {
        this.recording = recording;
    }

    static ExecutionProfile start() throws IOException {
        try {
            Recording recording = new Recording(Configuration.getConfiguration("profile"));
            recording.start();
            return new ExecutionProfile(recording);
        } catch (java.text.ParseException e) {
            throw new IOException("cannot load the JFR 'profile' settings: " + e.getMessage(), e);
        }
    }

    /** Stops, writes the recording to {@code file} and returns the top {@code n} methods with their sample share. */
    List<String> stop(Path file, int n) throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Integer> samples = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            RecordedFrame top = event.getStackTrace().getFrames().get(0);
            samples.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
            total++;
        }
        int all = Math.max(total, 1);
        return samples.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(n)
            .map(e -> String.format(java.util.Locale.ROOT, "%5.1f%%  %s", 100.0 * e.getValue() / all, e.getKey()))
            .collect(Collectors.toList());
    }

    @Override
    public void close() {
        recording.close();
    }
}
