package io.floodwatch.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ReadmeConfigurationTest {

    /** A row of the configuration table: {@code | `key` | default | meaning |}, with {@code \|} inside cells. */
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.]+)` \\| ((?:[^|\\\\]|\\\\.)*) \\|", Pattern.MULTILINE);

    private static Map<String, String> table() throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("..", "README.md")));
        while (row.find()) {
            if (ConfigDefaults.known(row.group(1))) {
                rows.put(row.group(1), row.group(2).strip());
            }
        }
        return rows;
    }

    @Test
    void shouldDocumentEverySettingWhenTheReadmeIsTheConfigurationReference() throws Exception {
        // Given
        Map<String, String> documented = table();

        // When
        List<String> undocumented = FloodwatchConfig.definition().names().stream()
            .filter(key -> !documented.containsKey(key))
            .sorted()
            .toList();

        // Then
        assertTrue(undocumented.isEmpty(), "settings missing from the README's configuration table: " + undocumented);
    }

    @Test
    void shouldStateTheDefaultTheDetectorUsesWhenTheReadmeDocumentsASetting() throws Exception {
        // Given the README's configuration table
        Map<String, String> documented = table();

        // When each documented default is parsed as the detector parses that setting
        List<String> wrong = new ArrayList<>();
        documented.forEach((key, cell) -> {
            String value = cell.equals("(empty)") || cell.equals("(none)") ? "" : cell.replace("`", "").replace("\\|", "|");
            if (!ConfigDefaults.isDefault(key, value)) {
                wrong.add(key + ": README " + cell + ", detector " + ConfigDefaults.written(key));
            }
        });

        // Then it is the detector's default
        assertEquals(List.of(), wrong, "README defaults that differ from the detector's");
    }
}
