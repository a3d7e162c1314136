package io.floodwatch.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.floodwatch.detector.config.FloodwatchConfig;
import io.floodwatch.detector.rules.ControlStore;
import io.floodwatch.detector.rules.RuleBook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code floodwatch rules list|set}: the rules in force as {@code detector-control} defines them, and changes to
 * them. {@code set} replays the topic and validates the change exactly as the detector will, refuses a bad one
 * before it reaches the topic, and prints what changes.
 */
@Command(name = "rules", mixinStandardHelpOptions = true, subcommands = {RulesCommand.ListRules.class, RulesCommand.SetRule.class},
    description = "List the rules and thresholds in force, or change one through detector-control.")
final class RulesCommand {

    /** The rule book the detector would build from the start-up configuration and the topic, and the topic's values. */
    private record Replay(RuleBook book, Map<String, String> changes, Map<String, String> rejected) {
    }

    private static Replay replay(FloodwatchConfig config, String bootstrap, int timeoutSeconds) throws InterruptedException {
        List<ConsumerRecord<String, String>> records = TopicAccess.readAll(config, bootstrap,
            config.getString(FloodwatchConfig.TOPIC_DETECTOR_CONTROL_CONFIG), timeoutSeconds);
        RuleBook book = RuleBook.of(config);
        Map<String, String> rejected = new TreeMap<>();
        for (ConsumerRecord<String, String> record : records) {
            if (record.key() == null || ControlStore.isLift(record.key())) {
                continue;
            }
            RuleBook.Outcome outcome = book.apply(record.key(), record.value());
            if (outcome.accepted()) {
                book = outcome.book();
                rejected.remove(record.key());
            } else {
                rejected.put(record.key(), outcome.rejection());
            }
        }
        Map<String, String> changes = new TreeMap<>();
        TopicAccess.latest(records).forEach((key, value) -> {
            if (key != null && !ControlStore.isLift(key) && value != null) {
                changes.put(key, value);
            }
        });
        return new Replay(book, changes, rejected);
    }

    /** The value of a setting in a configuration, as text. */
    private static String value(FloodwatchConfig config, String key) {
        return String.valueOf(config.values().get(key));
    }

    private static String mode(FloodwatchConfig config, String rule) {
        return config.getList(FloodwatchConfig.DRY_RUN_RULES_CONFIG).contains(rule) ? "DRY_RUN" : "ENFORCE";
    }

    /** {@code rules list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print every rule, its mode and settings in force.")
    static final class ListRules implements Callable<Integer> {

        @Mixin
        ConfigOptions options;

        @Mixin

        BrokerTimeout timeout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            FloodwatchConfig startup = options.load();
            Replay replay = replay(startup, TopicAccess.bootstrap(startup), timeout.seconds);
            FloodwatchConfig now = replay.book().config();
            PrintWriter out = spec.commandLine().getOut();
            for (Map.Entry<String, List<String>> rule : new TreeMap<>(RuleBook.RULE_SETTINGS).entrySet()) {
                String id = rule.getKey();
                out.println(id + " (" + mode(now, id) + (replay.changes().containsKey(id) ? ", changed at run time" : ", start-up")
                    + ")" + (replay.rejected().containsKey(id) ? "  last change rejected: " + replay.rejected().get(id) : ""));
                for (String key : rule.getValue()) {
                    String current = value(now, key);
                    String initial = value(startup, key);
                    out.println("  " + key + " = " + current + (Objects.equals(current, initial) ? "" : "  (start-up: " + initial + ")"));
                }
            }
            return 0;
        }
    }

    /** {@code rules set RULE JSON}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Change a rule: validated like the detector does, refused before sending if bad, then the changes printed.")
    static final class SetRule implements Callable<Integer> {

        @Mixin
        ConfigOptions options;

        @Parameters(index = "0", paramLabel = "RULE", description = "Rule id, e.g. source-rate-limit (see 'rules list').")
        String rule;

        @Parameters(index = "1", paramLabel = "JSON",
            description = "The change, e.g. '{\"mode\": \"DRY_RUN\", \"settings\": {\"rule.source.ip.throttle.per.second\": 50}}'; "
                + "'null' returns the rule to its start-up configuration.")
        String json;

        @Mixin

        BrokerTimeout timeout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            FloodwatchConfig startup = options.load();
            String bootstrap = TopicAccess.bootstrap(startup);
            Replay replay = replay(startup, bootstrap, timeout.seconds);
            String value = "null".equals(json.trim()) ? null : json;
            RuleBook.Outcome outcome = replay.book().apply(rule, value);
            if (!outcome.accepted()) {
                throw new CliException("rejected, nothing sent: " + outcome.rejection());
            }
            TopicAccess.send(startup, bootstrap, startup.getString(FloodwatchConfig.TOPIC_DETECTOR_CONTROL_CONFIG), rule, value,
                timeout.seconds);
            FloodwatchConfig before = replay.book().config();
            FloodwatchConfig after = outcome.book().config();
            PrintWriter out = spec.commandLine().getOut();
            out.println("Sent to detector-control; running detectors apply it within a second.");
            int changed = 0;
            if (!mode(before, rule).equals(mode(after, rule))) {
                out.println("  mode: " + mode(before, rule) + " -> " + mode(after, rule));
                changed++;
            }
            for (String key : RuleBook.RULE_SETTINGS.get(rule)) {
                String was = value(before, key);
                String is = value(after, key);
                if (!Objects.equals(was, is)) {
                    out.println("  " + key + ": " + was + " -> " + is);
                    changed++;
                }
            }
            if (changed == 0) {
                out.println("  nothing changed: the rule already had these values");
            }
            return 0;
        }
    }
}
