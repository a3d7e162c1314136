package io.floodwatch.schema.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.floodwatch.schema.MitigationAction;
import io.floodwatch.schema.MitigationCommand;
import io.floodwatch.schema.MitigationMode;
import io.floodwatch.schema.MitigationScope;
import io.floodwatch.schema.sign.CommandSignatures.Verification;

class CommandSignaturesTest {

    private static final String OLD = "old:" + secret('a');
    private static final String NEW = "new:" + secret('b');

    private static String secret(char fill) {
        return Base64.getEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes(StandardCharsets.US_ASCII));
    }

    private static MitigationCommand command() {
        return command(builder -> { });
    }

    private static MitigationCommand command(Consumer<MitigationCommand.Builder> change) {
        MitigationCommand.Builder builder = MitigationCommand.newBuilder().setCommandId("c-1").setAction(MitigationAction.BLOCK)
            .setScope(MitigationScope.SOURCE_IP).setTarget("203.0.113.7").setAllowedRegions(null).setRateLimitPerSecond(null)
            .setMode(MitigationMode.ENFORCE).setDetectedAt(1_000).setIssuedAt(2_000).setExpiresAt(3_000)
            .setReason("203.0.113.7 sent 5000 requests").setEvidence(Map.of("count", 5000.0, "share", 0.4)).setRule("source-ip");
        change.accept(builder);
        return builder.build();
    }

    private static Headers signed(String ring, String key, MitigationCommand command) {
        Headers headers = new RecordHeaders();
        new CommandSignatures(CommandKeys.parse(ring, "test")).sign(key, command, headers);
        return headers;
    }

    @Test
    void shouldAcceptACommandWhenItIsSignedWithAKeyOfTheRing() {
        // Given a command signed by the detector's ring
        Headers headers = signed(OLD, "ip:203.0.113.7", command());

        // When a verifier with the same key checks it
        Verification verification = new CommandSignatures(CommandKeys.parse(OLD, "test")).verify("ip:203.0.113.7", command(), headers);

        // Then it is valid
        assertEquals(Verification.VALID, verification);
    }

    @Test
    void shouldRejectACommandWhenAnyFieldOrTheTopicKeyWasChanged() {
        // Given a signed command and a verifier
        Headers headers = signed(OLD, "ip:203.0.113.7", command());
        CommandSignatures verifier = new CommandSignatures(CommandKeys.parse(OLD, "test"));

        // When fields are altered after signing
        MitigationCommand longer = command(b -> b.setExpiresAt(9_999_999));
        MitigationCommand other = command(b -> b.setTarget("198.51.100.1"));
        MitigationCommand evidence = command(b -> b.setEvidence(Map.of("count", 5000.0)));
        MitigationCommand lifted = command(b -> b.setAction(MitigationAction.LIFT));

        // Then each fails, and so does the untouched command under another key
        assertEquals(Verification.BAD_SIGNATURE, verifier.verify("ip:203.0.113.7", longer, headers));
        assertEquals(Verification.BAD_SIGNATURE, verifier.verify("ip:203.0.113.7", other, headers));
        assertEquals(Verification.BAD_SIGNATURE, verifier.verify("ip:203.0.113.7", evidence, headers));
        assertEquals(Verification.BAD_SIGNATURE, verifier.verify("ip:203.0.113.7", lifted, headers));
        assertEquals(Verification.BAD_SIGNATURE, verifier.verify("ip:198.51.100.1", command(), headers));
    }

    @Test
    void shouldRejectACommandWhenItIsUnsignedOrSignedWithAnotherSecret() {
        // Given a verifier holding the key id 'old'
        CommandSignatures verifier = new CommandSignatures(CommandKeys.parse(OLD, "test"));

        // When commands come unsigned, as tombstones, under an unknown id, or under the right id with another secret
        Headers forged = signed("old:" + secret('z'), "ip:203.0.113.7", command());
        Headers unknown = signed(NEW, "ip:203.0.113.7", command());
        Headers garbled = new RecordHeaders();
        garbled.add(CommandSignatures.KEY_ID_HEADER, "old".getBytes(StandardCharsets.UTF_8));
        garbled.add(CommandSignatures.SIGNATURE_HEADER, "not base64 !".getBytes(StandardCharsets.UTF_8));

        // Then none is valid
        assertEquals(Verification.UNSIGNED, verifier.verify("ip:203.0.113.7", command(), new RecordHeaders()));
        assertEquals(Verification.UNSIGNED, verifier.verify("ip:203.0.113.7", null, unknown));
        assertEquals(Verification.UNKNOWN_KEY, verifier.verify("ip:203.0.113.7", command(), unknown));
        assertEquals(Verification.BAD_SIGNATURE, verifier.verify("ip:203.0.113.7", command(), forged));
        assertEquals(Verification.BAD_SIGNATURE, verifier.verify("ip:203.0.113.7", command(), garbled));
    }

    @Test
    void shouldAcceptBothKeysWhenARotationIsUnderWay() {
        // Given verifiers that hold the old and the new key, and a detector that moved to the new one
        CommandSignatures verifier = new CommandSignatures(CommandKeys.parse(OLD + "\n" + NEW, "test"));
        Headers before = signed(OLD, "ip:203.0.113.7", command());
        Headers after = signed(NEW + "," + OLD, "ip:203.0.113.7", command());

        // When both are checked
        // Then both are valid, and the detector's signature names the new key
        assertEquals(Verification.VALID, verifier.verify("ip:203.0.113.7", command(), before));
        assertEquals(Verification.VALID, verifier.verify("ip:203.0.113.7", command(), after));
        assertEquals("new", new String(after.lastHeader(CommandSignatures.KEY_ID_HEADER).value(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldSignTheSameBytesWhenEvidenceComesInAnotherOrder() {
        // Given the same command with its evidence map built in two orders
        Map<String, Double> ab = new LinkedHashMap<>();
        ab.put("a", 1.0);
        ab.put("b", 2.0);
        Map<String, Double> ba = new LinkedHashMap<>();
        ba.put("b", 2.0);
        ba.put("a", 1.0);
        MitigationCommand one = command(b -> b.setEvidence(ab));
        MitigationCommand two = command(b -> b.setEvidence(ba));

        // When their canonical forms are taken
        // Then they are equal, and differ from a command with other regions
        assertTrue(Arrays.equals(CommandSignatures.canonical("k", one), CommandSignatures.canonical("k", two)));
        MitigationCommand regions = command(b -> b.setEvidence(ab).setAllowedRegions(List.of("CN")));
        assertNotEquals(Base64.getEncoder().encodeToString(CommandSignatures.canonical("k", one)),
            Base64.getEncoder().encodeToString(CommandSignatures.canonical("k", regions)));
    }

    @Test
    void shouldExplainTheMistakeWhenAKeyRingIsMalformed() {
        // Given malformed key rings
        // When they are parsed
        // Then each error says what is wrong, and never shows a secret
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandKeys.parse("nocolon", "f")).getMessage()
            .contains("<key-id>:<base64 secret>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandKeys.parse("k:c2hvcnQ=", "f")).getMessage()
            .contains("at least 32"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandKeys.parse(OLD + "\n" + OLD, "f")).getMessage()
            .contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandKeys.parse("# only a comment\n", "f")).getMessage()
            .contains("no key"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandKeys.load("", "FW_KEYS", name -> null)).getMessage()
            .contains("FW_KEYS"));
        assertEquals("CommandKeys[old, new]", CommandKeys.parse(OLD + "," + NEW, "f").toString());
        assertEquals(CommandKeys.NONE, CommandKeys.load("", "", name -> null));
    }
}
