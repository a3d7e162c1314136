package io.floodwatch.detector.detect;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCandidate;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.SourceRate;

/**
 * The absolute per-source rule {@value #RULE}: a source IP or prefix whose window count exceeds its throttle
 * rate is THROTTLED to that rate; past its block rate it is BLOCKED. Active from the first window: it needs no
 * baseline.
 */
public final class SourceRateLimits {

    /** Id of the rule. */
    public static final String RULE = "source-rate-limit";

    private final double windowSeconds;
    private final double ipThrottle;
    private final double ipBlock;
    private final double prefixThrottle;
    private final double prefixBlock;
    private final long ttlMs;

    /** Limits from the configuration. */
    public SourceRateLimits(FloodwatchConfig config) {
        this.windowSeconds = config.getLong(FloodwatchConfig.WINDOW_SIZE_CONFIG) / 1000.0;
        this.ipThrottle = config.getDouble(FloodwatchConfig.IP_THROTTLE_RATE_CONFIG);
        this.ipBlock = config.getDouble(FloodwatchConfig.IP_BLOCK_RATE_CONFIG);
        this.prefixThrottle = config.getDouble(FloodwatchConfig.PREFIX_THROTTLE_RATE_CONFIG);
        this.prefixBlock = config.getDouble(FloodwatchConfig.PREFIX_BLOCK_RATE_CONFIG);
        this.ttlMs = config.getLong(FloodwatchConfig.SOURCE_TTL_CONFIG);
    }

    /** The command a source's window count calls for, if any. */
    public Optional<MitigationCandidate> evaluate(SourceRate rate, long detectedAt) {
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
