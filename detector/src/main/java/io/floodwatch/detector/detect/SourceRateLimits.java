package io.floodwatch.detector.detect;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rules.RuleIds;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.SourceRate;

/**
 * The absolute per-source rules, active from the first window (they need no baseline):
 * <ul>
 *   <li>{@value #RULE}: a source IP or prefix whose window count exceeds its throttle rate is THROTTLED to that
 *       rate; past its block rate it is BLOCKED;</li>
 *   <li>{@value #FAILURE_RULE}: a source IP or prefix whose 4xx answers (429 aside) in a window exceed its failure rate, and
 *       make up at least the failure ratio of its requests, is BLOCKED: credential stuffing, probing and scripted
 *       sign-ups fail far more than people do, however slowly they go.</li>
 * </ul>
 */
public final class SourceRateLimits {

    /** Id of the rule. */
    public static final String RULE = RuleIds.SOURCE_RATE_LIMIT;
    /** Id of the failure rule. */
    public static final String FAILURE_RULE = RuleIds.SOURCE_FAILURES;

    private final double windowSeconds;
    private final double ipThrottle;
    private final double ipBlock;
    private final double prefixThrottle;
    private final double prefixBlock;
    private final long ttlMs;
    private final double ipFailures;
    private final double prefixFailures;
    private final double failureRatio;

    /** Limits from the configuration. */
    public SourceRateLimits(FloodwatchConfig config) {
        this.windowSeconds = config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG) / 1000.0;
        this.ipThrottle = config.getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG);
        this.ipBlock = config.getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG);
        this.prefixThrottle = config.getDouble(FloodwatchConfig.PREFIX_THROTTLE_RATE_CONFIG);
        this.prefixBlock = config.getDouble(FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG);
        this.ttlMs = config.getLong(FloodwatchConfig.SOURCE_TTL_CONFIG);
        this.ipFailures = config.getDouble(FloodwatchConfig.IP_FAILURE_RATE_CONFIG);
        this.prefixFailures = config.getDouble(FloodwatchConfig.PREFIX_FAILURE_RATE_CONFIG);
        this.failureRatio = config.getDouble(FloodwatchConfig.FAILURE_RATIO_CONFIG);
    }

    /** The command a source's window counts call for, if any: the stronger of volume and failures. */
    public Optional<MitigationCandidate> evaluate(SourceRate rate, long detectedAt) {
        Optional<MitigationCandidate> volume = volume(rate, detectedAt);
        if (volume.isPresent() && volume.get().getAction() == MitigationAction.BLOCK) {
            return volume;
        }
        Optional<MitigationCandidate> failing = failures(rate, detectedAt);
        return failing.isPresent() ? failing : volume;
    }

    private Optional<MitigationCandidate> failures(SourceRate rate, long detectedAt) {
        boolean prefix = rate.getScope() == MitigationScope.SOURCE_PREFIX;
        double limit = prefix ? prefixFailures : ipFailures;
        double perSecond = rate.getFailures() / windowSeconds;
        double ratio = rate.getRequests() == 0 ? 0 : (double) rate.getFailures() / rate.getRequests();
        if (perSecond <= limit || ratio < failureRatio) {
            return Optional.empty();
        }
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("requests", (double) rate.getRequests());
        evidence.put("failures", (double) rate.getFailures());
        evidence.put("failureRatio", ratio);
        evidence.put("failuresPerSecond", perSecond);
        evidence.put("limitPerSecond", limit);
        String reason = String.format(Locale.ROOT, "%s had %d of %d requests answered 4xx (%.0f%%) over %.0f s: %.2f failures/s,"
            + " above its limit of %.2f/s", prefix ? "prefix" : "source", rate.getFailures(), rate.getRequests(), ratio * 100,
            windowSeconds, perSecond, limit);
        return Optional.of(Candidates.of(FAILURE_RULE, MitigationAction.BLOCK, rate.getScope(), rate.getSource(), null, null,
            detectedAt, ttlMs, reason, evidence));
    }

    private Optional<MitigationCandidate> volume(SourceRate rate, long detectedAt) {
        boolean prefix = rate.getScope() == MitigationScope.SOURCE_PREFIX;
        double throttle = prefix ? prefixThrottle : ipThrottle;
        double block = prefix ? prefixBlock : ipBlock;
        double perSecond = rate.getRequests() / windowSeconds;
        if (perSecond <= throttle) {
            return Optional.empty();
        }
        boolean blocking = perSecond > block;
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("requests", (double) rate.getRequests());
        evidence.put("requestsPerSecond", perSecond);
        evidence.put("limitPerSecond", blocking ? block : throttle);
        String reason = String.format(Locale.ROOT, "%s sent %.1f requests/s over %.0f s, above its %s limit of %.1f/s",
            prefix ? "prefix" : "source", perSecond, windowSeconds, blocking ? "block" : "throttle", blocking ? block : throttle);
        return Optional.of(Candidates.of(RULE, blocking ? MitigationAction.BLOCK : MitigationAction.THROTTLE, rate.getScope(),
            rate.getSource(), null, blocking ? null : throttle, detectedAt, ttlMs, reason, evidence));
    }
}
