package io.floodwatch.detector.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReadmeConfigurationTest {

    @Test
    void shouldDocumentEverySettingWhenTheReadmeIsTheConfigurationReference() throws Exception {
        // Given
        String readme = Files.readString(Path.of("..", "README.md"));

        // When
        List<String> undocumented = FloodwatchConfig.definition().names().stream()
            .filter(key -> !readme.contains("| `" + key + "` |"))
            .sorted()
            .toList();

        // Then
        assertTrue(undocumented.isEmpty(), "settings missing from the README's configuration table: " + undocumented);
    }
}
