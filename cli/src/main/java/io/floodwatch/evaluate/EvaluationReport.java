package io.floodwatch.evaluate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The evaluation as a text table, a Markdown report and a JSON report, and the check of the configured bars. */
final class EvaluationReport {

    /**
     * Quality bars; a null bar is not checked.
     *
     * @param maxTimeToMitigateMs every attack mitigated within this much event time after onset
     * @param minCoverage share of attack requests stopped from 30 s after onset on
     * @param maxCollateral share of legitimate requests acted on
     * @param maxStrongCommandsWithoutAttack BLOCK and RESTRICT_REGISTRATION commands allowed in attack-free scenarios
     */
    record Bars(Long maxTimeToMitigateMs, Double minCoverage, Double maxCollateral, Long maxStrongCommandsWithoutAttack) {
    }

    private final List<Scores.Scenario> results;

    EvaluationReport(List<Scores.Scenario> results) {
        this.results = results;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-20s %-20s %9s %10s %10s %9s %10s %10s %8s%n", "scenario", "attacker", "detected",
            "TTM event", "TTM wall", "coverage", "collat.req", "collat.src", "commands"));
        for (Scores.Scenario scenario : results) {
            List<Scores.Attack> attacks = scenario.attacks().isEmpty() ? List.of() : scenario.attacks();
            if (attacks.isEmpty()) {
                out.append(row(scenario, null));
            }
            for (Scores.Attack attack : attacks) {
                out.append(row(scenario, attack));
            }
        }
        for (Scores.Scenario scenario : results) {
            for (String command : scenario.endpointCommands()) {
                out.append(String.format(Locale.ROOT, "  %s: endpoint command %s%n", scenario.scenario(), command));
            }
        }
        return out.toString();
    }

    private static String row(Scores.Scenario scenario, Scores.Attack attack) {
        return String.format(Locale.ROOT, "%-20s %-20s %9s %10s %10s %9s %9.2f%% %9.2f%% %4d/%-3d%n", scenario.scenario(),
            attack == null ? "(none)" : attack.actor(), attack == null ? "-" : attack.detected() ? "yes" : "NO",
            attack == null ? "-" : seconds(attack.timeToMitigateMs()), attack == null ? "-" : seconds(attack.wallClockMs()),
            attack == null ? "-" : String.format(Locale.ROOT, "%.1f%%", attack.coverageAfter30s() * 100),
            scenario.collateralRequests() * 100, scenario.collateralSources() * 100, scenario.commands(),
            scenario.blocksAndRestrictions());
    }

    private static String seconds(long ms) {
        return ms < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** Bars missed, as sentences; empty when all configured bars are met. */
    List<String> missed(Bars bars) {
        List<String> misses = new ArrayList<>();
        for (Scores.Scenario scenario : results) {
            for (Scores.Attack attack : scenario.attacks()) {
                if (bars.maxTimeToMitigateMs() != null && (!attack.detected() || attack.timeToMitigateMs() > bars.maxTimeToMitigateMs())) {
                    misses.add(scenario.scenario() + ": " + attack.actor() + " not mitigated within " + bars.maxTimeToMitigateMs() / 1000 + " s");
                }
                if (bars.minCoverage() != null && attack.coverageAfter30s() < bars.minCoverage()) {
                    misses.add(String.format(Locale.ROOT, "%s: %s coverage %.1f%% below %.1f%%", scenario.scenario(), attack.actor(),
                        attack.coverageAfter30s() * 100, bars.minCoverage() * 100));
                }
            }
            if (bars.maxCollateral() != null && !scenario.attackFree() && scenario.collateralRequests() > bars.maxCollateral()) {
                misses.add(String.format(Locale.ROOT, "%s: collateral %.2f%% above %.2f%%", scenario.scenario(),
                    scenario.collateralRequests() * 100, bars.maxCollateral() * 100));
            }
            if (bars.maxStrongCommandsWithoutAttack() != null && scenario.attackFree()
                && scenario.blocksAndRestrictions() > bars.maxStrongCommandsWithoutAttack()) {
                misses.add(scenario.scenario() + ": " + scenario.blocksAndRestrictions() + " BLOCK/RESTRICT commands without an attack");
            }
        }
        return misses;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve("evaluation.json").toFile(), results);
        StringBuilder md = new StringBuilder("# Floodwatch evaluation\n\n");
        md.append("| scenario | attacker | detected | time to mitigate (event) | time to mitigate (wall) | coverage from 30 s | "
            + "collateral requests | collateral sources | commands (block/restrict) |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Scores.Scenario scenario : results) {
            List<Scores.Attack> attacks = scenario.attacks();
            for (int i = 0; i < Math.max(1, attacks.size()); i++) {
                Scores.Attack a = attacks.isEmpty() ? null : attacks.get(i);
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.2f%% | %.2f%% | %d (%d) |%n", scenario.scenario(),
                    a == null ? "(none)" : a.actor(), a == null ? "-" : a.detected() ? "yes" : "no",
                    a == null ? "-" : seconds(a.timeToMitigateMs()), a == null ? "-" : seconds(a.wallClockMs()),
                    a == null ? "-" : String.format(Locale.ROOT, "%.1f%%", a.coverageAfter30s() * 100),
                    scenario.collateralRequests() * 100, scenario.collateralSources() * 100, scenario.commands(),
                    scenario.blocksAndRestrictions()));
            }
        }
        md.append("\nEnforced commands on whole endpoints:\n\n");
        for (Scores.Scenario scenario : results) {
            for (String command : scenario.endpointCommands()) {
                md.append("- ").append(scenario.scenario()).append(": `").append(command).append("`\n");
            }
        }
        Files.writeString(dir.resolve("evaluation.md"), md.toString(), StandardCharsets.UTF_8);
    }
}
