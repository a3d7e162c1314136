package io.floodwatch.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationReportTest {

    private static final Scores.Scenario SCRAPER = new Scores.Scenario("scraper",
        List.of(new Scores.Attack("scraper", 9000, true, 12_000, 800, 0.95, "BLOCK 203.0.113.7/32")), 20_000, 0.002, 0.001, 2, 1,
        List.of("RESTRICT_REGISTRATION POST /api/v1/auth/register [CN, US]"));
    private static final Scores.Scenario BASELINE = new Scores.Scenario("baseline", List.of(), 30_000, 0.0, 0.0, 1, 1, List.of());

    @Test
    void shouldListEveryMissedBarWhenBarsAreConfigured() {
        // Given
        EvaluationReport report = new EvaluationReport(List.of(SCRAPER, BASELINE));

        // When
        List<String> missed = report.missed(new EvaluationReport.Bars(10_000L, 0.99, 0.001, 0L));

        // Then
        assertEquals(4, missed.size(), missed.toString());
        assertTrue(missed.get(0).contains("not mitigated within 10 s"));
        assertTrue(missed.stream().anyMatch(m -> m.contains("coverage 95.0% below 99.0%")));
        assertTrue(missed.stream().anyMatch(m -> m.contains("collateral 0.20% above 0.10%")));
        assertTrue(missed.stream().anyMatch(m -> m.startsWith("baseline: 1 BLOCK/RESTRICT")));
    }

    @Test
    void shouldMissNothingWhenNoBarIsConfigured() {
        // Given
        EvaluationReport report = new EvaluationReport(List.of(SCRAPER, BASELINE));

        // When
        List<String> missed = report.missed(new EvaluationReport.Bars(null, null, null, null));

        // Then
        assertTrue(missed.isEmpty());
    }

    @Test
    void shouldWriteATableAMarkdownAndAJsonReportWhenAsked(@TempDir Path dir) throws Exception {
        // Given
        EvaluationReport report = new EvaluationReport(List.of(SCRAPER, BASELINE));

        // When
        report.write(dir);
        String table = report.table();

        // Then
        assertTrue(table.contains("scraper") && table.contains("12.0 s") && table.contains("95.0%"), table);
        assertTrue(Files.readString(dir.resolve("evaluation.md")).contains("| scraper | scraper | yes | 12.0 s |"));
        assertTrue(Files.readString(dir.resolve("evaluation.json")).contains("\"timeToMitigateMs\" : 12000"));
        assertTrue(table.contains("scraper: endpoint command RESTRICT_REGISTRATION POST /api/v1/auth/register [CN, US]"), table);
        assertTrue(Files.readString(dir.resolve("evaluation.md")).contains("- scraper: `RESTRICT_REGISTRATION"));
    }
}
