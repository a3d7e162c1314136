package io.floodwatch.detector.detect;

import java.util.List;
import java.util.Map;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.target.TargetKeys;

/** Builds {@link MitigationCandidate}s: a rule's request for a command. */
public final class Candidates {

    private Candidates() {
    }

    /** A rule's request for a command on a target. */
    public static MitigationCandidate of(String rule, MitigationAction action, MitigationScope scope, String target,
                                         List<String> allowedRegions, Double rateLimitPerSecond, long detectedAt,
                                         long ttlMs, String reason, Map<String, Double> evidence) {
        return MitigationCandidate.newBuilder()
            .setHeartbeat(false)
            .setKey(TargetKeys.key(scope, target))
            .setRule(rule)
            .setAction(action)
            .setScope(scope)
            .setTarget(target)
            .setAllowedRegions(allowedRegions)
            .setRateLimitPerSecond(rateLimitPerSecond)
            .setDetectedAt(detectedAt)
            .setTtlMs(ttlMs)
            .setReason(reason)
            .setEvidence(evidence)
            .build();
    }
}
