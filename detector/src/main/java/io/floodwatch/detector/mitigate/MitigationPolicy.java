package io.floodwatch.detector.mitigate;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.floodwatch.detector.rates.SourceKeys;
import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.serde.FloodwatchSchemas;

/**
 * The lifecycle of commands, as pure functions: a candidate for a target with no command issues one; the same
 * command is not repeated while nothing changes (only re-issued with a later expiry once half its lifetime has
 * passed, so it never lapses during an ongoing attack); a stronger or different command replaces it; a weaker
 * one does not downgrade it; and once no rule has asked for it for {@code liftAfterMs} of event time, a LIFT
 * follows.
 */
public final class MitigationPolicy {

    /** Verdict of every rule in this version. */
    public static final String ATTACK = "attack";

    private static final double RATE_CHANGE = 0.25;

    private final long liftAfterMs;

    /** @param liftAfterMs quiet event time after which a command is lifted */
    public MitigationPolicy(long liftAfterMs) {
        FloodwatchSchemas.trustGeneratedClasses();
        this.liftAfterMs = liftAfterMs;
    }

    /**
     * What to do about a target.
     *
     * @param state the new state, or null to delete it
     * @param command the command to publish, or null
     * @param anomaly the anomaly to publish, or null
     */
    public record Decision(MitigationState state, MitigationCommand command, Anomaly anomaly) {
    }

    /** The decision for a rule's candidate at stream time {@code now} and wall-clock {@code wallClock}. */
    public Decision onCandidate(MitigationState current, MitigationCandidate candidate, long now, long wallClock) {
        if (current == null) {
            MitigationCommand command = issue(candidate, now, wallClock);
            return new Decision(new MitigationState(command, now), command, anomaly(candidate, command));
        }
        MitigationCommand active = current.getCommand();
        long lastSeen = Math.max(current.getLastSeenAt(), now);
        if (severity(candidate.getAction()) > severity(active.getAction()) || (candidate.getAction() == active.getAction()
            && changed(active, candidate))) {
            MitigationCommand command = issue(candidate, now, wallClock);
            return new Decision(new MitigationState(command, lastSeen), command, anomaly(candidate, command));
        }
        long lifetime = active.getExpiresAt() - active.getDetectedAt();
        if (active.getExpiresAt() - now < lifetime / 2) {
            // detectedAt moves with the expiry so the lifetime stays the configured TTL instead of growing on every refresh
            MitigationCommand refreshed = MitigationCommand.newBuilder(active)
                .setDetectedAt(now)
                .setIssuedAt(wallClock)
                .setExpiresAt(now + lifetime)
                .build();
            return new Decision(new MitigationState(refreshed, lastSeen), refreshed, null);
        }
        return new Decision(new MitigationState(active, lastSeen), null, null);
    }

    /** A LIFT if the target has been quiet long enough, at stream time {@code now}. */
    public Optional<MitigationCommand> liftIfQuiet(MitigationState state, long now, long wallClock) {
        long quiet = now - state.getLastSeenAt();
        if (quiet < liftAfterMs) {
            return Optional.empty();
        }
        MitigationCommand active = state.getCommand();
        return Optional.of(MitigationCommand.newBuilder(active)
            .setCommandId(commandId(SourceKeys.key(active.getScope(), active.getTarget()), MitigationAction.LIFT, now))
            .setAction(MitigationAction.LIFT)
            .setAllowedRegions(null)
            .setRateLimitPerSecond(null)
            .setDetectedAt(now)
            .setIssuedAt(wallClock)
            .setExpiresAt(now)
            .setReason("lifts " + active.getAction() + " " + active.getCommandId() + ": no rule has asked for it for "
                + quiet / 1000 + " s")
            .setEvidence(Map.of("quietSeconds", quiet / 1000.0))
            .build());
    }

    /**
     * A command for a candidate. Its {@code detectedAt} is the event time at which the rule saw the condition (the
     * candidate's), which at full replay speed can be earlier than the planner's stream time, since partitions
     * progress unevenly; {@code now} only bounds it.
     */
    private static MitigationCommand issue(MitigationCandidate candidate, long now, long wallClock) {
        long detectedAt = Math.min(candidate.getDetectedAt(), now);
        return MitigationCommand.newBuilder()
            .setCommandId(commandId(candidate.getKey(), candidate.getAction(), detectedAt))
            .setAction(candidate.getAction())
            .setScope(candidate.getScope())
            .setTarget(candidate.getTarget())
            .setAllowedRegions(candidate.getAllowedRegions())
            .setRateLimitPerSecond(candidate.getRateLimitPerSecond())
            .setMode(MitigationMode.ENFORCE)
            .setDetectedAt(detectedAt)
            .setIssuedAt(wallClock)
            .setExpiresAt(detectedAt + candidate.getTtlMs())
            .setReason(candidate.getReason())
            .setEvidence(candidate.getEvidence())
            .setRule(candidate.getRule())
            .build();
    }

    private static Anomaly anomaly(MitigationCandidate candidate, MitigationCommand command) {
        return Anomaly.newBuilder()
            .setKey(candidate.getKey())
            .setRule(candidate.getRule())
            .setVerdict(ATTACK)
            .setAction(command.getAction())
            .setMode(command.getMode())
            .setDetectedAt(command.getDetectedAt())
            .setReason(candidate.getReason())
            .setEvidence(candidate.getEvidence())
            .build();
    }

    private static boolean changed(MitigationCommand active, MitigationCandidate candidate) {
        if (!sameRegions(active.getAllowedRegions(), candidate.getAllowedRegions())) {
            return true;
        }
        Double before = active.getRateLimitPerSecond();
        Double after = candidate.getRateLimitPerSecond();
        if (before == null || after == null) {
            return before != after;
        }
        return Math.abs(after - before) > RATE_CHANGE * Math.max(before, 1e-9);
    }

    private static boolean sameRegions(List<String> a, List<String> b) {
        if (a == null || b == null) {
            return a == b;
        }
        return new HashSet<>(a).equals(new HashSet<>(b));
    }

    private static int severity(MitigationAction action) {
        return switch (action) {
            case BLOCK -> 3;
            case RESTRICT_REGISTRATION -> 2;
            case THROTTLE -> 1;
            default -> 0;
        };
    }

    static String commandId(String key, MitigationAction action, long detectedAt) {
        return UUID.nameUUIDFromBytes((key + "|" + action + "|" + detectedAt).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
