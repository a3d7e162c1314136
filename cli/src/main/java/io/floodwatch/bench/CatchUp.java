package io.floodwatch.bench;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.config.Topics;
import io.floodwatch.evaluate.CommandLog;
import io.floodwatch.evaluate.Scorer;
import io.floodwatch.evaluate.Scores;
import io.floodwatch.evaluate.TrafficSource;
import io.floodwatch.producers.RequestPublisher;
import io.floodwatch.producers.sim.LabelledEvent;
import io.floodwatch.schema.MitigationCommand;

/**
 * The catch-up figure: a backlog of simulated traffic with an attack, all published before the detector starts,
 * then drained by the production topology from the beginning (as after a restart or an outage): how fast, and
 * whether the attack still got its command, scored like {@code evaluate} scores it.
 */
final class CatchUp {

    /**
     * What one catch-up measured.
     *
     * @param scenario the simulated scenario
     * @param eventTime the event time the backlog spans
     * @param background events per second of background traffic mixed in
     * @param run the detector's run over it
     * @param scores the commands it issued, scored against the ground truth
     */
    record Result(String scenario, Duration eventTime, long background, DetectorThroughput.Result run, Scores.Scenario scores) {

        /** One line: the backlog, the rate, its share of the ceiling, and whether each attacker was mitigated. */
        String line(double ceilingEventsPerSecond) {
            String attacks = scores.attacks().isEmpty() ? "no attack in the backlog" : scores.attacks().stream()
                .map(attack -> attack.detected()
                    ? String.format(Locale.ROOT, "yes (%s, %.1f s after onset)", attack.firstCommand(), attack.timeToMitigateMs() / 1000.0)
                    : "NO (no command acted on its requests)")
                .collect(Collectors.joining("; ", "attack mitigated: ", ""));
            return String.format(Locale.ROOT, "catch-up  %d-minute backlog with a %s%s, %,d events in %.1f s = %,.0f events/s"
                    + " (%.2f of the ceiling, %.2f µs CPU/event); %s; %d commands issued", eventTime.toMinutes(),
                scenario.replace('-', ' '), background > 0 ? String.format(Locale.ROOT, " in %,d events/s of background traffic", background) : "",
                run.events(), run.seconds(), run.eventsPerSecond(),
                run.eventsPerSecond() / ceilingEventsPerSecond, run.cpuSeconds() * 1e6 / run.events(), attacks,
                scores.commands());
        }
    }

    private static final Duration SETTLE = Duration.ofSeconds(3);

    private CatchUp() {
    }

    /**
     * Publishes the backlog to the configuration's {@code requests} topic (which must exist and be empty), then
     * drains it with the detector and scores the commands.
     */
    static Result measure(String scenario, Duration eventTime, long background, TrafficSource traffic, FloodwatchConfig config,
                          String bootstrap, Duration stallTimeout) throws Exception {
        Topics topics = Topics.from(config);
        long[] published = publish(traffic, bootstrap, topics.requests().name());
        DetectorThroughput.Result run = DetectorThroughput.measure(config, bootstrap, published[0], stallTimeout, SETTLE,
            published[1]);
        List<MitigationCommand> commands = CommandLog.read(bootstrap, topics.mitigations().name());
        return new Result(scenario, eventTime, background, run, Scorer.score(scenario, traffic, commands, config, Map.of()));
    }

    /**
     * A scenario's traffic merged in event-time order with ordinary bench traffic over the same span (uniform
     * over {@code sources} addresses in 10.0.0.0/8, labelled legitimate), so that a backlog has a size worth timing:
     * a simulated actor sends at most about 1,000 events/s.
     *
     * @param eventsPerSecond events per second of event time of the background traffic; 0 for none
     */
    static TrafficSource withBackground(TrafficSource scenario, long start, long end, long eventsPerSecond, int sources) {
        if (eventsPerSecond <= 0) {
            return scenario;
        }
        return () -> new Iterator<>() {
            private final Iterator<LabelledEvent> foreground = scenario.open();
            private final BenchTraffic background = new BenchTraffic(sources, start, eventsPerSecond, 7, false);
            private LabelledEvent nextForeground = foreground.hasNext() ? foreground.next() : null;
            private long i;

            @Override
            public boolean hasNext() {
                return nextForeground != null || background.timestamp(i) < end;
            }

            @Override
            public LabelledEvent next() {
                long backgroundTime = background.timestamp(i);
                if (backgroundTime < end && (nextForeground == null || backgroundTime <= nextForeground.event().getTimestamp())) {
                    return new LabelledEvent(background.event(i++), "background", false);
                }
                if (nextForeground == null) {
                    throw new NoSuchElementException();
                }
                LabelledEvent current = nextForeground;
                nextForeground = foreground.hasNext() ? foreground.next() : null;
                return current;
            }
        };
    }

    /** Publishes the backlog; returns how many events, and the last event time. */
    private static long[] publish(TrafficSource traffic, String bootstrap, String topic) {
        long events = 0;
        long lastEventTime = Long.MIN_VALUE;
        try (RequestPublisher publisher = RequestPublisher.create(bootstrap, topic, Map.of())) {
            Iterator<LabelledEvent> backlog = traffic.open();
            while (backlog.hasNext()) {
                LabelledEvent next = backlog.next();
                publisher.publish(next.event());
                lastEventTime = Math.max(lastEventTime, next.event().getTimestamp());
                events++;
            }
            publisher.flush();
        }
        return new long[] {events, lastEventTime};
    }
}
