package io.floodwatch.detector.progress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest check of the input's progress, as the readiness probe, the dashboard and the log show it.
 *
 * @param checkedAt wall-clock time of the check, 0 before the first one
 * @param partitions every input partition's lag
 * @param blocksReadiness whether a stalled partition fails this instance's readiness
 * @param late late data counted so far
 */
public record ProgressReport(long checkedAt, List<PartitionLag> partitions, boolean blocksReadiness, LateData late) {

    /** Before the first check. */
    public static final ProgressReport NONE = new ProgressReport(0, List.of(), false, LateData.NONE);

    public ProgressReport {
        partitions = List.copyOf(partitions);
    }

    /** Records not processed yet, over all input partitions. */
    public long lagRecords() {
        return partitions.stream().mapToLong(PartitionLag::lagRecords).sum();
    }

    /** How far behind in event time the furthest-behind partition is, or null when it is not known. */
    public Long behindMs() {
        Long behind = lagRecords() == 0 ? Long.valueOf(0) : null;
        for (PartitionLag lag : partitions) {
            if (lag.behindMs() != null && lag.lagRecords() > 0) {
                behind = behind == null ? lag.behindMs() : Math.max(behind, lag.behindMs());
            }
        }
        return behind;
    }

    /** Whether any input partition is stalled. */
    public boolean stalled() {
        return partitions.stream().anyMatch(PartitionLag::stalled);
    }

    /** The stalled partitions' names. */
    public List<String> stalledPartitions() {
        return partitions.stream().filter(PartitionLag::stalled).map(PartitionLag::name).toList();
    }

    /** One line: {@code caught up}, {@code 4 min 12 s behind (1,234 records)}, with the stalled partitions if any. */
    public String summary() {
        if (checkedAt == 0) {
            return "input progress not checked yet";
        }
        long records = lagRecords();
        if (records == 0) {
            return "caught up";
        }
        Long behind = behindMs();
        String text = (behind == null ? "behind (event time unknown)" : duration(behind) + " behind")
            + " (" + String.format("%,d", records) + (records == 1 ? " record)" : " records)");
        return stalled() ? text + "; stalled: " + String.join(", ", stalledPartitions()) : text;
    }

    /** A duration as people read it: {@code 850 ms}, {@code 42 s}, {@code 4 min 12 s}, {@code 3 h 5 min}, {@code 2 d 1 h}. */
    public static String duration(long ms) {
        if (ms < 1_000) {
            return ms + " ms";
        }
        long s = ms / 1_000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3_600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        if (s < 86_400) {
            return s / 3_600 + " h" + (s % 3_600 / 60 == 0 ? "" : " " + s % 3_600 / 60 + " min");
        }
        return s / 86_400 + " d" + (s % 86_400 / 3_600 == 0 ? "" : " " + s % 86_400 / 3_600 + " h");
    }

    /** As the readiness JSON shows it (under {@code input}). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("summary", summary());
        json.put("lagRecords", lagRecords());
        json.put("behindMs", behindMs());
        json.put("stalled", stalled());
        json.put("checkedAt", checkedAt);
        List<Map<String, Object>> list = new ArrayList<>();
        for (PartitionLag lag : partitions) {
            Map<String, Object> partition = new LinkedHashMap<>();
            partition.put("topic", lag.topic());
            partition.put("partition", lag.partition());
            partition.put("lagRecords", lag.lagRecords());
            partition.put("behindMs", lag.behindMs());
            partition.put("stalled", lag.stalled());
            partition.put("committed", lag.committed());
            partition.put("logStart", lag.logStart());
            partition.put("end", lag.end());
            list.add(partition);
        }
        json.put("partitions", list);
        return json;
    }
}
