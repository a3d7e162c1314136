package io.floodwatch.evaluate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rules.RouteClassifier;
import io.floodwatch.producers.sim.LabelledEvent;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;

/**
 * Scores a run against its ground truth, one event at a time (the traffic is replayed, never held in memory):
 * for each attacker, whether and how fast it was mitigated and how much of it active commands stopped; for
 * legitimate traffic, how much the same commands would have hit.
 */
public final class Scorer {

    private static final long COVERAGE_DELAY_MS = 30_000;

    private final Enforcement enforcement;
    private final List<MitigationCommand> commands;
    private final Map<String, Long> firstPublishedWall;
    private final Map<String, AttackTally> attacks = new LinkedHashMap<>();
    private final Set<String> legitimateSources = new HashSet<>();
    private final Set<String> hitSources = new HashSet<>();
    private long legitimate;
    private long legitimateHit;

    Scorer(Enforcement enforcement, List<MitigationCommand> commands, Map<String, Long> firstPublishedWall) {
        this.enforcement = enforcement;
        this.commands = commands;
        this.firstPublishedWall = firstPublishedWall;
    }

    /**
     * Scores the commands a detector issued against the traffic it was fed, enforced as the gateways of that
     * configuration would enforce them.
     *
     * @param firstPublishedWall wall-clock time each attacker's first request was published (for the wall-clock
     *                           time to mitigate); attackers missing from it get -1
     */
    public static Scores.Scenario score(String name, TrafficSource traffic, List<MitigationCommand> commands,
                                        FloodwatchConfig config, Map<String, Long> firstPublishedWall) {
        Enforcement enforcement = new Enforcement(new ActiveCommands(commands), RouteClassifier.from(config));
        Scorer scorer = new Scorer(enforcement, commands, firstPublishedWall);
        traffic.open().forEachRemaining(scorer::accept);
        return scorer.result(name);
    }

    void accept(LabelledEvent labelled) {
        MitigationCommand applied = enforcement.applied(labelled.event());
        String ip = labelled.event().getSourceIp();
        if (!labelled.attack()) {
            legitimate++;
            legitimateSources.add(ip);
            if (applied != null) {
                legitimateHit++;
                hitSources.add(ip);
            }
            return;
        }
        AttackTally tally = attacks.computeIfAbsent(labelled.actor(), a -> new AttackTally(labelled.event().getTimestamp()));
        tally.requests++;
        boolean late = labelled.event().getTimestamp() >= tally.onset + COVERAGE_DELAY_MS;
        if (late) {
            tally.late++;
        }
        if (applied != null) {
            if (late) {
                tally.lateCovered++;
            }
            if (tally.first == null || applied.getDetectedAt() < tally.first.getDetectedAt()) {
                tally.first = applied;
            }
        }
    }

    Scores.Scenario result(String name) {
        List<Scores.Attack> scored = new ArrayList<>();
        attacks.forEach((actor, tally) -> {
            boolean detected = tally.first != null;
            Long published = firstPublishedWall.get(actor);
            scored.add(new Scores.Attack(actor, tally.requests, detected,
                detected ? Math.max(0, tally.first.getDetectedAt() - tally.onset) : -1,
                detected && published != null ? Math.max(0, tally.first.getIssuedAt() - published) : -1,
                tally.late == 0 ? 0 : (double) tally.lateCovered / tally.late,
                detected ? tally.first.getAction() + " " + tally.first.getTarget() : null));
        });
        long issued = commands.stream().filter(c -> c.getAction() != MitigationAction.LIFT).count();
        long strong = commands.stream().filter(c -> c.getAction() == MitigationAction.BLOCK
            || c.getAction() == MitigationAction.RESTRICT_REGISTRATION || c.getAction() == MitigationAction.RESTRICT_REGION
            || c.getAction() == MitigationAction.REQUIRE_ACCOUNT || c.getAction() == MitigationAction.REFUSE_SCRIPTED).count();
        List<String> endpoints = commands.stream()
            .filter(c -> c.getScope() == MitigationScope.ENDPOINT && c.getAction() != MitigationAction.LIFT
                && c.getMode() == MitigationMode.ENFORCE)
            .map(c -> c.getAction() + " " + c.getTarget() + (c.getAllowedRegions() == null ? "" : " " + c.getAllowedRegions()))
            .distinct().sorted().toList();
        return new Scores.Scenario(name, scored, legitimate, legitimate == 0 ? 0 : (double) legitimateHit / legitimate,
            legitimateSources.isEmpty() ? 0 : (double) hitSources.size() / legitimateSources.size(), issued, strong, endpoints);
    }

    private static final class AttackTally {
        final long onset;
        long requests;
        long late;
        long lateCovered;
        MitigationCommand first;

        AttackTally(long onset) {
            this.onset = onset;
        }
    }
}
