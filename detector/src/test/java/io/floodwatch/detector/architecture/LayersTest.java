package io.floodwatch.detector.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.floodwatch.detector.rates.StreamsInternals;

/**
 * Pins the detector's layers: ingest → rates → detect → mitigate, each depending only on those before it; the rule book
 * beneath them all; no cycles between packages; the core free of the command line, the tools and the broker; and Kafka
 * Streams internals used by one class only.
 */
class LayersTest {

    private static final String CORE = "io.floodwatch.detector";
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(CORE);
    }

    @Test
    void shouldFindNoCyclesWhenPackagesOfTheCoreDependOnEachOther() {
        // Given the classes of the detector core

        // When their packages are taken as slices
        // Then no slice reaches itself through the others
        slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void shouldDependOnNoLaterStageWhenAStageOfThePipelineIsBuilt() {
        // Given the stages in the order events flow through them
        String[] stages = {"ingest", "rates", "detect", "mitigate"};

        // When each stage's classes are checked against the stages after it
        // Then none uses a later stage
        for (int i = 0; i < stages.length - 1; i++) {
            String[] later = new String[stages.length - 1 - i];
            for (int j = i + 1; j < stages.length; j++) {
                later[j - i - 1] = CORE + "." + stages[j] + "..";
            }
            noClasses().that().resideInAPackage(CORE + "." + stages[i] + "..")
                .should().dependOnClassesThat().resideInAnyPackage(later)
                .check(core);
        }
    }

    @Test
    void shouldDependOnNoStageWhenTheRulesAreRead() {
        // Given the rule book, the live rules and each rule's settings

        // When their dependencies are checked
        // Then they use none of the stages, the control stage or the wiring
        noClasses().that().resideInAPackage(CORE + ".rules..")
            .should().dependOnClassesThat().resideInAnyPackage(CORE + ".ingest..", CORE + ".rates..", CORE + ".detect..",
                CORE + ".mitigate..", CORE + ".control..", CORE + ".topology..", CORE + ".app..", CORE + ".query..")
            .check(core);
    }

    @Test
    void shouldNotReachTheCommandLineWhenTheCoreIsBuilt() {
        // Given the detector core

        // When its dependencies are checked
        // Then it uses neither the command line and its tools, nor a Kafka broker, nor picocli
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.floodwatch.cli..", "io.floodwatch.evaluate..",
                "io.floodwatch.bench..", "io.floodwatch.broker..", "io.floodwatch.producers..", "io.floodwatch.gateway..",
                "kafka..", "picocli..")
            .check(core);
    }

    @Test
    void shouldUseKafkaStreamsInternalsOnlyInOneClassWhenTheCoreIsBuilt() {
        // Given the detector core, whose commit hook needs internals of Kafka Streams

        // When the dependencies of every other class are checked
        // Then none reaches a package of org.apache.kafka.streams named internals
        noClasses().that().doNotHaveFullyQualifiedName(StreamsInternals.class.getName())
            .and().haveNameNotMatching(Pattern.quote(StreamsInternals.class.getName() + "$") + ".*")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams..internals..")
            .because("a Kafka upgrade must have one class to check: StreamsInternals")
            .check(core);
    }
}
