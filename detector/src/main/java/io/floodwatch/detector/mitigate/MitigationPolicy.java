package io.floodwatch.detector.mitigate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.detect.EndpointRules;
import io.floodwatch.schema.Anomaly;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.MitigationState;
import io.floodwatch.schema.serde.FloodwatchSchemas;
import io.floodwatch.schema.target.TargetKeys;
import io.floodwatch.detector.rules.Allowlist;
import io.floodwatch.detector.rules.AsnDatabase;

/**
 * The lifecycle of commands, as pure functions over a target's {@link MitigationState}:
 * <ul>
 *   <li><b>issue</b> a command for a rule's candidate, with the rule's mode: DRY_RUN when the rule is configured so,
 *       or when a baseline-relative verdict comes from a baseline still warming up;</li>
 *   <li><b>safety</b>: a target on the {@link Allowlist} gets no command, only an anomaly; a command that would act
 *       on more than the blast-radius cap of its target's legitimate traffic is published DRY_RUN and raised for a
 *       human; allowlisted regions are always allowed to register;</li>
 *   <li><b>no flapping</b>: the same command is not repeated while nothing changes (only re-issued with a later
 *       expiry once half its lifetime has passed); a weaker candidate never downgrades it; a LIFT comes only after
 *       {@code liftAfterMs} of event time without any rule asking for it, times the target's offences;</li>
 *   <li><b>escalation</b>: a lifted target is remembered for {@code offenceMemoryMs}; when it offends again, a
 *       THROTTLE of a source IP or prefix becomes a BLOCK (never that of a shared address), and each offence doubles the lifetime, up to
 *       {@code ttlMaxMs};</li>
 *   <li><b>operators win</b>: a target allowlisted at run time has its enforced command lifted at once; a rule put
 *       in DRY_RUN has its enforced commands re-issued as DRY_RUN; a DRY_RUN wish of another rule (a baseline still
 *       warming up, a command held for its blast radius) never disarms an enforced command;</li>
 *   <li><b>whose network</b>: a command on a source names the autonomous system announcing it, when an
 *       {@link AsnDatabase} is configured;</li>
 *   <li><b>observations</b> (a flash crowd) publish an anomaly once per episode and no command.</li>
 * </ul>
 * Every command and observation comes with an {@link Anomaly} saying what was decided and why.
 */
public final class MitigationPolicy {

    /** Anomaly dispositions. */
    public static final String ENFORCED = "ENFORCED";
    /** Published, not to be enforced (rule in DRY_RUN or baseline warming up). */
    public static final String DRY_RUN = "DRY_RUN";
    /** Nothing called for: an observation such as a flash crowd. */
    public static final String OBSERVED = "OBSERVED";
    /** The target is allowlisted: no command. */
    public static final String ALLOWLISTED = "ALLOWLISTED";
    /** Above the blast-radius cap: published DRY_RUN, for a human to decide. */
    public static final String BLAST_RADIUS = "BLAST_RADIUS";

    private static final double RATE_CHANGE = 0.25;
    private static final String OBSERVATION_PREFIX = "observation:";

    /**
     * What the policy is configured with.
     *
     * @param liftAfterMs quiet event time after which a first offence is lifted
     * @param dryRunRules rules whose commands are DRY_RUN
     * @param allowlist never acted on
     * @param blastRadiusMax largest share of a target's legitimate traffic a command may act on
     * @param offenceMemoryMs how long a lifted target is remembered
     * @param ttlMaxMs longest lifetime of an escalated command
     */
    public record Settings(long liftAfterMs, Set<String> dryRunRules, Allowlist allowlist, double blastRadiusMax,
                           long offenceMemoryMs, long ttlMaxMs) {

        /** Settings from the configuration. */
        public static Settings from(FloodwatchConfig config) {
            return new Settings(config.getLong(FloodwatchConfig.LIFT_AFTER_CONFIG),
                Set.copyOf(config.getList(FloodwatchConfig.DRY_RUN_RULES_CONFIG)),
                Allowlist.parse(config.getList(FloodwatchConfig.ALLOWLIST_CONFIG)),
                config.getDouble(FloodwatchConfig.BLAST_RADIUS_CONFIG), config.getLong(FloodwatchConfig.OFFENCE_MEMORY_CONFIG),
                config.getLong(FloodwatchConfig.TTL_MAX_CONFIG));
        }
    }

    private final Settings settings;
    private final AsnDatabase asns;

    /** @param settings how the policy acts */
    public MitigationPolicy(Settings settings) {
        this(settings, AsnDatabase.NONE);
    }

    /**
     * @param settings how the policy acts
     * @param asns names the autonomous system of each source command's target, in its reason and evidence
     */
    public MitigationPolicy(Settings settings, AsnDatabase asns) {
        FloodwatchSchemas.trustGeneratedClasses();
        this.settings = settings;
        this.asns = asns;
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

    /** The key under which a candidate's state is kept: observations apart from commands on the same target. */
    public static String stateKey(MitigationCandidate candidate) {
        return candidate.getAction() == MitigationAction.UNKNOWN ? OBSERVATION_PREFIX + candidate.getKey() : candidate.getKey();
    }

    /** The decision for a rule's candidate at stream time {@code now} and wall-clock {@code wallClock}. */
    public Decision onCandidate(MitigationState current, MitigationCandidate candidate, long now, long wallClock) {
        boolean active = current != null && !current.getLifted();
        if (candidate.getAction() == MitigationAction.UNKNOWN) {
            return observe(current, active, candidate, now, wallClock);
        }
        int offences = active ? current.getOffences() : repeatOffences(current, now) + 1;
        MitigationAction action = escalate(candidate, offences);
        String disposition = disposition(candidate);
        MitigationMode mode = ENFORCED.equals(disposition) ? MitigationMode.ENFORCE : MitigationMode.DRY_RUN;
        long ttl = Math.min(settings.ttlMaxMs(), candidate.getTtlMs() << Math.min(offences - 1, 20));
        if (active) {
            MitigationCommand existing = current.getCommand();
            long lastSeen = Math.max(current.getLastSeenAt(), now);
            boolean enforced = existing.getMode() == MitigationMode.ENFORCE;
            if (enforced && ALLOWLISTED.equals(disposition)) {
                // allowlisted while enforced (an operator's change): withdraw it at once
                MitigationCommand lift = lift(existing, now, wallClock, "its target is now allowlisted");
                MitigationState state = MitigationState.newBuilder(current).setCommand(issue(candidate, action, mode, ttl, now,
                    wallClock)).setLastSeenAt(lastSeen).setPublished(false).build();
                return new Decision(state, lift, anomaly(candidate, null, mode, disposition, offences));
            }
            boolean sameRule = candidate.getRule().equals(existing.getRule());
            boolean operatorDryRun = enforced && mode == MitigationMode.DRY_RUN && sameRule
                && settings.dryRunRules().contains(candidate.getRule());
            if (!operatorDryRun && (!stronger(action, mode, candidate, existing) || (enforced && mode == MitigationMode.DRY_RUN))) {
                // a DRY_RUN wish of another rule (a cold baseline, a held command) never disarms an enforced command
                return keepOrRefresh(current, existing, lastSeen, now, wallClock);
            }
        }
        MitigationCommand command = issue(candidate, action, mode, ttl, now, wallClock);
        boolean published = !ALLOWLISTED.equals(disposition);
        MitigationState state = MitigationState.newBuilder().setCommand(command)
            .setLastSeenAt(active ? Math.max(current.getLastSeenAt(), now) : now).setOffences(offences).setLifted(false)
            .setLiftedAt(0).setPublished(published).build();
        return new Decision(state, published ? command : null, anomaly(candidate, published ? command : null, mode, disposition,
            offences));
    }

    /**
     * At stream time {@code now}: a LIFT if the target has been quiet long enough, forgetting a lifted target once
     * its offence memory is over. Returns null when nothing changes. The LIFT is stamped with the event time its
     * quiet period ended, not with {@code now}: whether the watermark passes that point in one step (a backlog) or in
     * many (live), and whether a candidate or the watermark finds the target quiet first, it is the same LIFT.
     */
    public Decision onTick(MitigationState state, long now, long wallClock) {
        if (state.getLifted()) {
            return now - state.getLiftedAt() > settings.offenceMemoryMs() ? new Decision(null, null, null) : null;
        }
        long quietNeeded = settings.liftAfterMs() * Math.max(1, state.getOffences());
        if (now - state.getLastSeenAt() < quietNeeded) {
            return null;
        }
        MitigationCommand active = state.getCommand();
        if (active.getAction() == MitigationAction.UNKNOWN) {
            return new Decision(null, null, null);
        }
        long liftAt = state.getLastSeenAt() + quietNeeded;
        MitigationCommand lift = lift(active, liftAt, wallClock, "no rule has asked for it for " + quietNeeded / 1000 + " s");
        lift.getEvidence().put("quietSeconds", quietNeeded / 1000.0);
        lift.getEvidence().put("offences", (double) state.getOffences());
        MitigationState lifted = MitigationState.newBuilder(state).setLifted(true).setLiftedAt(liftAt).build();
        return new Decision(lifted, state.getPublished() ? lift : null, null);
    }

    /**
     * An operator asked at wall-clock time {@code requestedAt} to lift the command of this target: a LIFT if a
     * command issued before the request is in force, else null. The offence is remembered, so a target that goes on
     * attacking is mitigated again, escalated.
     */
    public Decision onOperatorLift(MitigationState state, long requestedAt, long now, long wallClock) {
        if (state == null || state.getLifted() || !state.getPublished() || state.getCommand().getIssuedAt() > requestedAt
            || state.getCommand().getAction() == MitigationAction.UNKNOWN) {
            return null;
        }
        MitigationCommand lift = lift(state.getCommand(), now, wallClock, "lifted by an operator");
        MitigationState lifted = MitigationState.newBuilder(state).setLifted(true).setLiftedAt(now).build();
        return new Decision(lifted, lift, null);
    }

    private static MitigationCommand lift(MitigationCommand active, long now, long wallClock, String why) {
        return MitigationCommand.newBuilder(active)
            .setCommandId(commandId(TargetKeys.key(active.getScope(), active.getTarget()), MitigationAction.LIFT, now))
            .setAction(MitigationAction.LIFT)
            .setAllowedRegions(null)
            .setRateLimitPerSecond(null)
            .setMode(MitigationMode.ENFORCE)
            .setDetectedAt(now)
            .setIssuedAt(wallClock)
            .setExpiresAt(now)
            .setReason("lifts " + active.getAction() + " " + active.getCommandId() + ": " + why)
            .setEvidence(new java.util.LinkedHashMap<>())
            .build();
    }

    private Decision observe(MitigationState current, boolean active, MitigationCandidate candidate, long now, long wallClock) {
        if (active && candidate.getRule().equals(current.getCommand().getRule())) {
            return new Decision(MitigationState.newBuilder(current).setLastSeenAt(Math.max(current.getLastSeenAt(), now)).build(),
                null, null);
        }
        MitigationCommand observation = issue(candidate, MitigationAction.UNKNOWN, MitigationMode.DRY_RUN, candidate.getTtlMs(),
            now, wallClock);
        MitigationState state = MitigationState.newBuilder().setCommand(observation).setLastSeenAt(now).setOffences(1)
            .setLifted(false).setLiftedAt(0).build();
        return new Decision(state, null, anomaly(candidate, null, MitigationMode.DRY_RUN, OBSERVED, 1));
    }

    private Decision keepOrRefresh(MitigationState current, MitigationCommand existing, long lastSeen, long now, long wallClock) {
        MitigationState.Builder kept = MitigationState.newBuilder(current).setLastSeenAt(lastSeen);
        long lifetime = existing.getExpiresAt() - existing.getDetectedAt();
        if (current.getPublished() && existing.getExpiresAt() - now < lifetime / 2) {
            // detectedAt moves with the expiry so the lifetime stays the same instead of growing on every refresh
            MitigationCommand refreshed = MitigationCommand.newBuilder(existing)
                .setDetectedAt(now)
                .setIssuedAt(wallClock)
                .setExpiresAt(now + lifetime)
                .build();
            return new Decision(kept.setCommand(refreshed).build(), refreshed, null);
        }
        return new Decision(kept.build(), null, null);
    }

    private int repeatOffences(MitigationState previous, long now) {
        if (previous == null || !previous.getLifted() || now - previous.getLiftedAt() > settings.offenceMemoryMs()) {
            return 0;
        }
        return previous.getOffences();
    }

    private static MitigationAction escalate(MitigationCandidate candidate, int offences) {
        boolean source = candidate.getScope() == MitigationScope.SOURCE_IP || candidate.getScope() == MitigationScope.SOURCE_PREFIX;
        if (source && offences > 1 && candidate.getAction() == MitigationAction.THROTTLE && !candidate.getShared()) {
            return MitigationAction.BLOCK;
        }
        return candidate.getAction();
    }

    private String disposition(MitigationCandidate candidate) {
        if (settings.allowlist().covers(candidate.getScope(), candidate.getTarget())) {
            return ALLOWLISTED;
        }
        if (!EndpointRules.OVERLOAD.equals(candidate.getVerdict()) && candidate.getBlastRadius() > settings.blastRadiusMax()) {
            return BLAST_RADIUS;
        }
        if (settings.dryRunRules().contains(candidate.getRule()) || (candidate.getBaselineRelative() && !candidate.getWarm())) {
            return DRY_RUN;
        }
        return ENFORCED;
    }

    private static boolean stronger(MitigationAction action, MitigationMode mode, MitigationCandidate candidate,
                                    MitigationCommand existing) {
        if (severity(action) != severity(existing.getAction())) {
            return severity(action) > severity(existing.getAction());
        }
        if (mode == MitigationMode.ENFORCE && existing.getMode() != MitigationMode.ENFORCE) {
            return true;
        }
        return changed(existing, candidate, action);
    }

    /**
     * A command for a candidate. Its {@code detectedAt} is the event time at which the rule saw the condition (the
     * candidate's), which at full replay speed can be earlier than the planner's stream time, since partitions
     * progress unevenly; {@code now} only bounds it.
     */
    private MitigationCommand issue(MitigationCandidate candidate, MitigationAction action, MitigationMode mode, long ttlMs,
                                    long now, long wallClock) {
        long detectedAt = Math.min(candidate.getDetectedAt(), now);
        List<String> regions = candidate.getAllowedRegions();
        if (regions != null && !settings.allowlist().regions().isEmpty()) {
            Set<String> widened = new TreeSet<>(regions);
            widened.addAll(settings.allowlist().regions());
            regions = new ArrayList<>(widened);
        }
        String reason = candidate.getReason();
        String disposition = disposition(candidate);
        if (ALLOWLISTED.equals(disposition) || BLAST_RADIUS.equals(disposition)) {
            reason = disposition + ": " + reason;
        }
        Map<String, Double> evidence = candidate.getEvidence();
        if (candidate.getScope() == MitigationScope.SOURCE_IP || candidate.getScope() == MitigationScope.SOURCE_PREFIX) {
            Optional<AsnDatabase.As> as = asns.lookup(candidate.getTarget());
            if (as.isPresent()) {
                reason = reason + " [" + as.get() + "]";
                evidence = new LinkedHashMap<>(evidence);
                evidence.put("asn", (double) as.get().number());
            }
        }
        return MitigationCommand.newBuilder()
            .setCommandId(commandId(candidate.getKey(), action, detectedAt))
            .setAction(action)
            .setScope(candidate.getScope())
            .setTarget(candidate.getTarget())
            .setAllowedRegions(regions)
            .setRateLimitPerSecond(action == MitigationAction.THROTTLE ? candidate.getRateLimitPerSecond() : null)
            .setMode(mode)
            .setDetectedAt(detectedAt)
            .setIssuedAt(wallClock)
            .setExpiresAt(detectedAt + ttlMs)
            .setReason(reason)
            .setEvidence(evidence)
            .setRule(candidate.getRule())
            .build();
    }

    private static Anomaly anomaly(MitigationCandidate candidate, MitigationCommand command, MitigationMode mode,
                                   String disposition, int offences) {
        Map<String, Double> evidence = new java.util.LinkedHashMap<>(candidate.getEvidence());
        if (offences > 1) {
            evidence.put("offences", (double) offences);
        }
        if (candidate.getBlastRadius() > 0) {
            evidence.put("blastRadius", candidate.getBlastRadius());
        }
        return Anomaly.newBuilder()
            .setKey(candidate.getKey())
            .setRule(candidate.getRule())
            .setVerdict(candidate.getVerdict())
            .setAction(command == null ? null : command.getAction())
            .setMode(mode)
            .setDetectedAt(command == null ? candidate.getDetectedAt() : command.getDetectedAt())
            .setReason(candidate.getReason())
            .setEvidence(evidence)
            .setDisposition(disposition)
            .build();
    }

    private static boolean changed(MitigationCommand active, MitigationCandidate candidate, MitigationAction action) {
        if (!sameRegions(active.getAllowedRegions(), candidate.getAllowedRegions())) {
            return true;
        }
        Double before = active.getRateLimitPerSecond();
        Double after = action == MitigationAction.THROTTLE ? candidate.getRateLimitPerSecond() : null;
        if (before == null || after == null) {
            return before != after;
        }
        return Math.abs(after - before) > RATE_CHANGE * Math.max(before, 1e-9);
    }

    private static boolean sameRegions(List<String> a, List<String> b) {
        if (a == null || b == null) {
            return a == b;
        }
        return new HashSet<>(a).containsAll(b);
    }

    private static int severity(MitigationAction action) {
        return switch (action) {
            case BLOCK -> 3;
            case RESTRICT_REGISTRATION, RESTRICT_REGION, REQUIRE_ACCOUNT, REFUSE_SCRIPTED -> 2;
            case THROTTLE -> 1;
            default -> 0;
        };
    }

    static String commandId(String key, MitigationAction action, long detectedAt) {
        return UUID.nameUUIDFromBytes((key + "|" + action + "|" + detectedAt).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
