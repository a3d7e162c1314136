package io.floodwatch.detector.watermark;

import io.floodwatch.detector.config.FloodwatchConfig;

/**
 * How a task's watermark treats its upstreams.
 *
 * @param forgetMs wall-clock silence after which an upstream that never said it was idle is forgotten
 * @param settleMs once the first upstream reports progress, how long (wall clock) the watermark waits for upstreams
 *                 that have had no input yet, so that tasks that start a moment later do not find their windows closed
 */
public record WatermarkSettings(long forgetMs, long settleMs) {

    /** The settings the configuration gives. */
    public static WatermarkSettings from(FloodwatchConfig config) {
        return new WatermarkSettings(config.getLong(FloodwatchConfig.WATERMARK_FORGET_CONFIG),
            config.getLong(FloodwatchConfig.WATERMARK_IDLE_CONFIG));
    }
}
