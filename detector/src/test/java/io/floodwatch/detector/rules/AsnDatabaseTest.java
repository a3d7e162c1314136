package io.floodwatch.detector.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsnDatabaseTest {

    private static final String SAMPLE = String.join("\n",
        "# range_start\trange_end\tAS_number\tcountry_code\tAS_description",
        "203.0.113.0\t203.0.113.255\t64500\tZZ\tEXAMPLE-DOCUMENTATION-NET",
        "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET",
        "1.0.1.0\t1.0.3.255\t0\tNone\tNot routed",
        "2001:db8::\t2001:db8:ffff:ffff:ffff:ffff:ffff:ffff\t64502\tDE\tEXAMPLE-V6-HOSTING",
        "4294967295.0.0.0\t1.1.1.1\t1\tUS\t");

    @TempDir
    Path directory;

    @Test
    void shouldFindTheRangeHoldingAnAddressWhenRangesAreUnsorted() throws IOException {
        // Given
        AsnDatabase database = read(SAMPLE.substring(0, SAMPLE.lastIndexOf('\n')));

        // When
        Optional<AsnDatabase.As> first = database.lookup("1.0.0.0");
        Optional<AsnDatabase.As> last = database.lookup("203.0.113.255");
        Optional<AsnDatabase.As> prefix = database.lookup("203.0.113.0/24");
        Optional<AsnDatabase.As> ipv6 = database.lookup("2001:db8:1234::7");

        // Then
        assertEquals(new AsnDatabase.As(13335, "CLOUDFLARENET"), first.orElseThrow());
        assertEquals(64500, last.orElseThrow().number());
        assertEquals("AS64500 EXAMPLE-DOCUMENTATION-NET", prefix.orElseThrow().toString());
        assertEquals(64502, ipv6.orElseThrow().number());
        assertEquals(3, database.size(), "the not-routed range is not kept");
    }

    @Test
    void shouldAnswerNothingWhenTheAddressIsInNoRangeOrIsNoAddress() throws IOException {
        // Given
        AsnDatabase database = read(SAMPLE.substring(0, SAMPLE.lastIndexOf('\n')));

        // When / Then
        assertTrue(database.lookup("1.0.2.9").isEmpty(), "not routed");
        assertTrue(database.lookup("192.0.2.1").isEmpty(), "between ranges");
        assertTrue(database.lookup("255.255.255.255").isEmpty(), "after the last range");
        assertTrue(database.lookup("2001:db9::1").isEmpty());
        assertTrue(database.lookup("not-an-address").isEmpty());
        assertTrue(AsnDatabase.NONE.lookup("1.0.0.1").isEmpty());
    }

    @Test
    void shouldNameTheLineWhenALineIsMalformed() {
        // Given
        String malformed = SAMPLE;

        // When
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> read(malformed));

        // Then
        assertEquals("line 6: '4294967295.0.0.0' is not an IPv4 or IPv6 address", error.getMessage());
    }

    @Test
    void shouldReadAGzippedFileAndNameTheSettingWhenTheFileIsMissing() throws IOException {
        // Given
        Path gzipped = directory.resolve("ip2asn-combined.tsv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            out.write(SAMPLE.substring(0, SAMPLE.lastIndexOf('\n')).getBytes(StandardCharsets.UTF_8));
        }

        // When
        AsnDatabase database = AsnDatabase.open("mitigation.asn.database", gzipped.toString());
        ConfigException missing = assertThrows(ConfigException.class,
            () -> AsnDatabase.open("mitigation.asn.database", directory.resolve("absent.tsv").toString()));

        // Then
        assertEquals(3, database.size());
        assertTrue(missing.getMessage().startsWith("mitigation.asn.database: no file "), missing.getMessage());
        assertEquals(AsnDatabase.NONE, AsnDatabase.open("mitigation.asn.database", " "));
    }

    private static AsnDatabase read(String text) throws IOException {
        return AsnDatabase.read(new BufferedReader(new StringReader(text)));
    }
}
