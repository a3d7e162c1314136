package io.floodwatch.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.target.TargetKeys;

/**
 * The commands an enforcer would have had in force at each moment of event time, as the compacted
 * {@code mitigations} topic defines them: per target key, a command is in force from its {@code detectedAt} until
 * its {@code expiresAt} or until the next command for the same key (a newer command or a LIFT) replaces it.
 * DRY_RUN commands are never in force.
 */
final class ActiveCommands {

    /** A command in force over [from, until). */
    record Interval(MitigationCommand command, long from, long until) {
    }

    private final Map<String, List<Interval>> byKey = new HashMap<>();
    private final int[] ipv4Lengths;
    private final int[] ipv6Lengths;

    ActiveCommands(List<MitigationCommand> commands) {
        Map<String, List<MitigationCommand>> perKey = new HashMap<>();
        for (MitigationCommand command : commands) {
            perKey.computeIfAbsent(TargetKeys.key(command.getScope(), command.getTarget()), k -> new ArrayList<>()).add(command);
        }
        java.util.TreeSet<Integer> v4 = new java.util.TreeSet<>(Comparator.reverseOrder());
        java.util.TreeSet<Integer> v6 = new java.util.TreeSet<>(Comparator.reverseOrder());
        for (MitigationCommand command : commands) {
            String target = command.getTarget();
            int slash = target.lastIndexOf('/');
            if (command.getScope() == MitigationScope.SOURCE_PREFIX && slash > 0 && target.substring(slash + 1).matches("[0-9]{1,3}")) {
                (target.indexOf(':') >= 0 ? v6 : v4).add(Integer.parseInt(target.substring(slash + 1)));
            }
        }
        this.ipv4Lengths = v4.stream().mapToInt(Integer::intValue).toArray();
        this.ipv6Lengths = v6.stream().mapToInt(Integer::intValue).toArray();
        perKey.forEach((key, list) -> {
            list.sort(Comparator.comparingLong(MitigationCommand::getDetectedAt));
            List<Interval> intervals = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                MitigationCommand command = list.get(i);
                if (command.getAction() == MitigationAction.LIFT || command.getMode() != MitigationMode.ENFORCE) {
                    continue;
                }
                long until = command.getExpiresAt();
                if (i + 1 < list.size()) {
                    until = Math.min(until, list.get(i + 1).getDetectedAt());
                }
                if (until > command.getDetectedAt()) {
                    intervals.add(new Interval(command, command.getDetectedAt(), until));
                }
            }
            if (!intervals.isEmpty()) {
                byKey.put(key, intervals);
            }
        });
    }

    /** The command in force for a target key at an event time, or null. */
    MitigationCommand at(String key, long timestamp) {
        List<Interval> intervals = byKey.get(key);
        if (intervals == null) {
            return null;
        }
        for (Interval interval : intervals) {
            if (interval.from() <= timestamp && timestamp < interval.until()) {
                return interval.command();
            }
        }
        return null;
    }

    /** The prefix lengths that prefix commands of a family name, longest first. */
    int[] prefixLengths(boolean ipv6) {
        return ipv6 ? ipv6Lengths : ipv4Lengths;
    }

    /** Whether no command was ever in force. */
    boolean isEmpty() {
        return byKey.isEmpty();
    }
}
